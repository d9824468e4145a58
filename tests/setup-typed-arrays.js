// jest runs each test file in its own vm realm, while onnxruntime-node's native addon creates typed arrays
// with Node's own constructors, so `data instanceof Float32Array` fails inside onnxruntime-common
// (jestjs/jest#11864). Make `instanceof` on this realm's typed-array constructors recognise typed arrays
// from any realm by their tag, which is what the check means.
const typedArrays = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];
for (const ctor of typedArrays) {
  const tag = `[object ${ctor.name}]`;
  Object.defineProperty(ctor, Symbol.hasInstance, {
    value: (candidate) => Object.prototype.toString.call(candidate) === tag,
    configurable: true,
  });
}
