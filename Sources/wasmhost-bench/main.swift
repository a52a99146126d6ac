print("wasmhost-bench: not written yet")
