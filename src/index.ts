export const hello = (x: number): number => x + 1;
export async function vegaVersion(): Promise<string> {
  const vega = await import("vega");
  return vega.version;
}
