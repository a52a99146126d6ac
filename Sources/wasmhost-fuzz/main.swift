print("wasmhost-fuzz: not written yet")
