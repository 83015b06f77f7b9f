import { expect } from "chai";
import { dpoFixedLengthBench } from "../../src/bench/training";

describe("bench/training: inputs", () => {
  it("a fixed-length DPO bench refuses a network narrower than its sequences, naming maxLen", () => {
    expect(() => dpoFixedLengthBench(4, 10, 5)).to.throw(RangeError, /maxLen 5 < length 10/);
  });
});
