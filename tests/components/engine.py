"""The differential reference: runs fixtures on the `wasmtime` Python package
(the same PyPI wheel the daemon links) the way API.md says the daemon runs them.

One invocation = one Invocation object: a fresh instance per module, reused for every
call into it during the invocation (as API.md says of host.invoke), a mock of the
host interface (wasmhost:host/api log/invoke for components, host.invoke for core
modules), WASI 0.2 for components that import it, and the reentrancy guard
(repeat / depth 64, and a busy component instance entered again is a repeat).
The answer is API.md JSON: {"results": [...], "logs": [...], ...} or
{"error": code, "detail": ..., "reason"/"chain" for 508}.
"""
import hashlib
import json
import os
import tempfile
from decimal import Decimal

import wasmtime
from wasmtime import component as wc

import wit_json

MAX_DEPTH = 64                 # limits.max_reentrancy_depth
MAX_MEMORY_BYTES = 64 << 20    # limits.max_memory_bytes
DEFAULT_FUEL = 100_000_000     # limits.fuel
HOST_API = "wasmhost:host/api@1.0.0"
PROVIDED_IMPORTS = ("wasi:cli/", "wasi:io/", "wasi:clocks/", "wasi:random/", "wasi:filesystem/", HOST_API)


def new_engine():
    config = wasmtime.Config()
    config.consume_fuel = True
    return wasmtime.Engine(config)


class Problem(Exception):
    """An error answer: code as in API.md's table, plus extra members."""

    def __init__(self, code, detail, **extra):
        super().__init__(detail)
        self.answer = {"error": code, "detail": detail, **extra}


class Fixture:
    """A stored module or component: its name, kind and compiled form."""

    def __init__(self, engine, name, path):
        self.name, self.path = name, path
        data = open(path, "rb").read()
        self.wasm = bytes(wasmtime.wat2wasm(data.decode())) if path.endswith(".wat") else data
        self.is_component = self.wasm[4:8] != b"\x01\x00\x00\x00"
        if self.is_component:
            self.compiled = compile_component(engine, self.wasm)
            self.functions = dict(self._component_functions(engine))
            self.imports = list(self.compiled.type.imports(engine))
        else:
            self.compiled = wasmtime.Module(engine, self.wasm)
            self.functions = {e.name: e.type for e in self.compiled.exports if isinstance(e.type, wasmtime.FuncType)}
            self.imports = [f"{i.module}.{i.name}" for i in self.compiled.imports]

    def _component_functions(self, engine):
        """(full name, FuncType) of every exported function, interface-qualified ones as iface#name."""
        for name, item in self.compiled.type.exports(engine).items():
            ty = item.ty
            if isinstance(ty, wc.FuncType):
                yield name, ty
            elif isinstance(ty, wc.ComponentInstanceType):
                for inner, inner_item in ty.exports(engine).items():
                    if isinstance(inner_item.ty, wc.FuncType):
                        yield f"{name}#{inner}", inner_item.ty

    def resolve(self, export):
        """An export's full name: as given, or the unique function with that plain name."""
        if export in self.functions:
            return export
        matches = [n for n in self.functions if n.split("#")[-1] == export]
        if len(matches) == 1:
            return matches[0]
        raise Problem("export_not_found", f"no export '{export}'; functions: {', '.join(self.functions)}")


def compile_component(engine, wasm):
    """A compiled component; a large one (the componentize-py fixture takes ~20 s to
    compile) is kept serialized in .build/components/cache, keyed by its bytes."""
    if len(wasm) < 1 << 20:
        return wc.Component(engine, wasm)
    cache = os.path.join(os.path.dirname(__file__), "..", "..", ".build", "components", "cache")
    path = os.path.join(cache, hashlib.sha256(wasm).hexdigest() + ".cwasm")
    if os.path.exists(path):
        try:
            return wc.Component.deserialize_file(engine, path)
        except wasmtime.WasmtimeError:
            pass  # another wasmtime build wrote it: compile again
    component = wc.Component(engine, wasm)
    os.makedirs(cache, exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(component.serialize())
    os.replace(path + ".tmp", path)
    return component


def upload_verdict(engine, name, path):
    """(problem code or None, Fixture or None): what uploading path must answer,
    by the engine: invalid_module, unknown_import or limit_exceeded."""
    try:
        fixture = Fixture(engine, name, path)
    except wasmtime.WasmtimeError as e:
        return "invalid_module", str(e)
    unknown = [i for i in fixture.imports if fixture.is_component and not i.startswith(PROVIDED_IMPORTS)]
    if unknown:
        return "unknown_import", f"{', '.join(unknown)} is not provided"
    try:
        Invocation(engine, {name: fixture})._instance(fixture)
    except wasmtime.WasmtimeError as e:
        if "exceeds memory limits" in str(e):
            return "limit_exceeded", str(e)
        raise
    return None, fixture


class Invocation:
    def __init__(self, engine, fixtures, wasi=None, fuel=DEFAULT_FUEL):
        self.engine, self.fixtures = engine, fixtures
        self.wasi, self.fuel = wasi or {}, fuel
        self.chain = []          # (name, export, args text) of every running entry
        self.busy = set()        # components with a call running
        self.instances = {}      # name -> (store, instance) for this invocation
        self.logs = []
        self.out_dir = tempfile.mkdtemp(prefix="wasmhost-ref-")
        self.uses_wasi = False

    # -- entering exports, with the guard --------------------------------------------
    def call(self, name, export, args):
        """Calls export of the fixture stored as name with JSON args (a list); the JSON results."""
        fixture = self.fixtures.get(name)
        if fixture is None:
            raise Problem("module_not_found", f"no module '{name}'")
        full = fixture.resolve(export)
        frame = (name, full, ", ".join(json.dumps(a, ensure_ascii=False, default=str) for a in args))
        reason = "repeat" if frame in self.chain or (fixture.is_component and name in self.busy) else None
        if reason is None and len(self.chain) + 1 > MAX_DEPTH:
            reason = "depth"
        if reason:
            chain = [f"{n}.{e}({a})" for n, e, a in self.chain + [frame]]
            raise Problem("reentrancy_loop", "reentrancy loop", reason=reason, chain=chain)
        self.chain.append(frame)
        try:
            if fixture.is_component:
                self.busy.add(name)
                try:
                    return self._call_component(fixture, full, args)
                finally:
                    self.busy.discard(name)
            return self._call_module(fixture, full, args)
        finally:
            self.chain.pop()

    def _call_component(self, fixture, full, args):
        ty = fixture.functions[full]
        why = wit_json.callable_type(ty)
        if why:
            raise Problem("bad_args", f"{full} is not callable: {why}")
        params = ty.params
        if isinstance(args, dict):
            unknown = set(args) - {n for n, _ in params}
            if unknown or len(args) != len(params):
                raise Problem("bad_args", f"{full}: args must name exactly {[n for n, _ in params]}")
            args = [args[n] for n, _ in params]
        if len(args) != len(params):
            raise Problem("bad_args", f"{full} takes {len(params)} arguments, got {len(args)}")
        try:
            values = [wit_json.to_python(t, a, f"args[{i}]") for i, ((_, t), a) in enumerate(zip(params, args))]
        except wit_json.BadArgs as e:
            raise Problem("bad_args", f"{full}: {e}") from None
        store, instance = self._instance(fixture)
        index = None
        for part in full.split("#"):
            index = instance.get_export_index(store, part, index)
        result = self._run(lambda: instance.get_func(store, index)(store, *values))
        return [] if ty.result is None else [wit_json.to_json(ty.result, result)]

    def _call_module(self, fixture, full, args):
        ty = fixture.functions[full]
        if len(args) != len(ty.params) or any(isinstance(a, bool) or not isinstance(a, (int, Decimal)) for a in args):
            raise Problem("bad_args", f"{full} takes {len(ty.params)} integer arguments")
        store, instance = self._instance(fixture)
        result = self._run(lambda: instance.exports(store)[full](store, *[int(a) for a in args]))
        return [] if result is None else [result]

    @staticmethod
    def _run(thunk):
        try:
            return thunk()
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            if isinstance(e, wasmtime.ExitTrap):
                raise
            message = str(e).strip().splitlines()[-1].strip()
            if "all fuel consumed" in message:
                raise Problem("fuel_exhausted", message) from None
            raise Problem("trap", message) from None

    # -- instances and the mock host -------------------------------------------------
    def _instance(self, fixture):
        if fixture.name not in self.instances:
            store = wasmtime.Store(self.engine)
            store.set_limits(memory_size=MAX_MEMORY_BYTES)
            store.set_fuel(self.fuel)
            if fixture.is_component:
                linker = wc.Linker(self.engine)
                if any(i.startswith("wasi:") for i in fixture.imports):
                    linker.add_wasip2()
                    store.set_wasi(self._wasi_config())
                    self.uses_wasi = True
                if HOST_API in fixture.imports:
                    self._define_host_api(linker)
                instance = linker.instantiate(store, fixture.compiled)
            else:
                linker = wasmtime.Linker(self.engine)
                self._define_core_host(linker, store)
                instance = linker.instantiate(store, fixture.compiled)
            self.instances[fixture.name] = (store, instance)
        return self.instances[fixture.name]

    def _wasi_config(self):
        config = wasmtime.WasiConfig()
        config.argv = self.wasi.get("args", ["run"])
        config.env = list(self.wasi.get("env", {}).items())
        stdin = os.path.join(self.out_dir, "stdin")
        with open(stdin, "w") as f:
            f.write(self.wasi.get("stdin", ""))
        config.stdin_file = stdin
        config.stdout_file = os.path.join(self.out_dir, "stdout")
        config.stderr_file = os.path.join(self.out_dir, "stderr")
        return config

    def _host_invoke_json(self, module, export, args_json):
        """The host interface's invoke: JSON results text, or the problem's detail as err."""
        try:
            args = json.loads(args_json, parse_float=Decimal)
            results = self.call(module, export, args)
            return wc.Variant("ok", json.dumps(results, ensure_ascii=False, separators=(",", ":"), default=str))
        except json.JSONDecodeError as e:
            return wc.Variant("err", f"args-json is not JSON: {e}")
        except Problem as e:
            if e.answer["error"] == "reentrancy_loop":
                raise  # the guard stops the whole invocation
            return wc.Variant("err", e.answer["detail"])

    def _define_host_api(self, linker):
        with linker.root() as root, root.add_instance(HOST_API) as api:
            api.add_func("log", lambda store, message: self.logs.append(message))
            api.add_func("invoke", lambda store, module, export, args: self._host_invoke_json(module, export, args))

    def _define_core_host(self, linker, store):
        def read(caller, ptr, length):
            memory = caller.get("memory")
            return bytes(memory.read(caller, ptr, ptr + length)).decode()

        def invoke(caller, mod_ptr, mod_len, name_ptr, name_len, arg):
            results = self.call(read(caller, mod_ptr, mod_len), read(caller, name_ptr, name_len), [arg])
            return int(results[0])

        i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()
        invoke_type = wasmtime.FuncType([i32, i32, i32, i32, i64], [i64])
        linker.define(store, "host", "invoke", wasmtime.Func(store, invoke_type, invoke, access_caller=True))

    # -- the answer --------------------------------------------------------------------
    def answer(self, name, export, args):
        try:
            answer = {"results": self.call(name, export, args)}
        except wasmtime.ExitTrap as e:
            answer = {"results": [], "exit_code": e.code}
        except Problem as e:
            return e.answer
        if self.logs:
            answer["logs"] = self.logs
        if self.uses_wasi:
            for stream in ("stdout", "stderr"):
                path = os.path.join(self.out_dir, stream)
                answer[stream] = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
            answer.setdefault("exit_code", run_exit_code(answer["results"]))
        return answer


def run_exit_code(results):
    """wasi:cli/run returning ok is exit code 0, err is 1."""
    return 1 if results and isinstance(results[0], dict) and results[0].get("tag") == "err" else 0
