// Module workers that import the wasm glue: build them as ES modules.
export default { worker: { format: 'es' }, build: { target: 'es2022' } };
