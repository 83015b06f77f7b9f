/** esbuild's "dataurl" loader turns an imported .wasm file into a data: URL string (scripts/explore.ts). */
declare module "*.wasm" {
  const url: string;
  export default url;
}
