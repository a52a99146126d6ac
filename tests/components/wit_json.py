"""API.md's JSON mapping of WIT values ("Components (v1.1)"), on top of the value
classes of the `wasmtime` Python package (wasmtime.component).

`to_python(ty, value, path)` turns a JSON argument into what the package's
Func.__call__ accepts, checking it the way the daemon must (raises BadArgs);
`to_json(ty, value)` writes a result the way the daemon must answer it.
JSON numbers are expected as decimal.Decimal (json.loads(parse_float=Decimal)),
so that large integers and floats are read exactly.
"""
import base64
import ctypes
import math
import re
import struct
from decimal import Decimal

from wasmtime import component as wc

INT_RANGES = {
    wc.S8: (-2**7, 2**7 - 1), wc.S16: (-2**15, 2**15 - 1),
    wc.S32: (-2**31, 2**31 - 1), wc.S64: (-2**63, 2**63 - 1),
    wc.U8: (0, 2**8 - 1), wc.U16: (0, 2**16 - 1),
    wc.U32: (0, 2**32 - 1), wc.U64: (0, 2**64 - 1),
}
FLOAT_WORDS = {"nan": math.nan, "-nan": -math.nan, "inf": math.inf, "-inf": -math.inf}
INTEGER_TEXT = re.compile(r"-?(0x[0-9a-fA-F]+|[0-9]+)\Z")


class BadArgs(Exception):
    """A JSON argument that does not fit its WIT type: 400 bad_args."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")


def wit_name(ty):
    """The WIT spelling of a type, for messages (anonymous compound types only)."""
    if isinstance(ty, wc.ListType):
        return f"list<{wit_name(ty.element)}>"
    if isinstance(ty, wc.OptionType):
        return f"option<{wit_name(ty.payload)}>"
    if isinstance(ty, wc.TupleType):
        return "tuple<" + ", ".join(wit_name(t) for t in ty.elements) + ">"
    return type(ty).__name__.lower().replace("type", "")


def _describe(value):
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse_integer(value, ty, path):
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise BadArgs(path, f"{_describe(value)} is not an integer ({wit_name(ty)})")
    if isinstance(value, str):
        if not INTEGER_TEXT.match(value):
            raise BadArgs(path, f"{_describe(value)} is not an integer ({wit_name(ty)})")
        number = int(value, 0) if "0x" in value else int(value)
    elif isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise BadArgs(path, f"{value} is not an integer ({wit_name(ty)})")
        number = int(value)
    else:
        number = value
    low, high = INT_RANGES[type(ty)]
    if not low <= number <= high:
        raise BadArgs(path, f"{number} is out of range for {wit_name(ty)}")
    return number


def parse_float(value, ty, path):
    """A JSON number, "nan"/"-nan"/"inf"/"-inf", or {"bits": "0x..."}; rounded to f32 for f32."""
    single = isinstance(ty, wc.F32)
    if isinstance(value, dict) and set(value) == {"bits"} and isinstance(value["bits"], str):
        bits = int(value["bits"], 0)
        if single:
            return struct.unpack("<f", struct.pack("<I", bits))[0]
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    if isinstance(value, str) and value in FLOAT_WORDS:
        return FLOAT_WORDS[value]
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise BadArgs(path, f"{_describe(value)} is not an {wit_name(ty)}")
    return to_f32(float(value)) if single else float(value)


def to_f32(number):
    """The nearest f32 (as a Python float), inf past the largest, as C rounds it."""
    return ctypes.c_float(number).value


def _expect(cond, path, message):
    if not cond:
        raise BadArgs(path, message)


def _tagged_object(value, path, cases):
    """{"tag": case, "val": payload}; cases maps each case name to its payload type or None."""
    _expect(isinstance(value, dict), path, f"{_describe(value)} is not an object with a tag")
    _expect(value.get("tag") in cases, path, f"unknown tag {value.get('tag')!r}")
    tag = value["tag"]
    payload_ty = cases[tag]
    allowed = {"tag", "val"} if payload_ty is not None else {"tag"}
    _expect(set(value) <= allowed, path, f"unknown members {sorted(set(value) - allowed)}")
    if payload_ty is None:
        return tag, None
    _expect("val" in value, path, f"case {tag} needs a val")
    return tag, to_python(payload_ty, value["val"], f"{path}.val")


def _variant_like(ty, tag, payload):
    """The wasmtime package wants a Variant only when the cases' Python classes overlap."""
    return wc.Variant(tag, payload) if ty._tagged() else payload


def to_python(ty, value, path):
    if isinstance(ty, wc.Bool):
        _expect(isinstance(value, bool), path, f"{_describe(value)} is not a bool")
        return value
    if type(ty) in INT_RANGES:
        return parse_integer(value, ty, path)
    if isinstance(ty, (wc.F32, wc.F64)):
        return parse_float(value, ty, path)
    if isinstance(ty, wc.Char):
        _expect(isinstance(value, str) and len(value) == 1, path, f"{_describe(value)} is not one char")
        return value
    if isinstance(ty, wc.String):
        _expect(isinstance(value, str), path, f"{_describe(value)} is not a string")
        return value
    if isinstance(ty, wc.ListType):
        if isinstance(ty.element, wc.U8) and isinstance(value, dict):
            _expect(set(value) == {"base64"} and isinstance(value["base64"], str), path, "not {\"base64\": ...}")
            try:
                return base64.b64decode(value["base64"], validate=True)
            except ValueError:
                raise BadArgs(path, "invalid base64") from None
        _expect(isinstance(value, list), path, f"{_describe(value)} is not an array")
        items = [to_python(ty.element, v, f"{path}[{i}]") for i, v in enumerate(value)]
        return bytes(items) if isinstance(ty.element, wc.U8) else items
    if isinstance(ty, wc.TupleType):
        elements = ty.elements
        _expect(isinstance(value, list) and len(value) == len(elements), path,
                f"{_describe(value)} is not an array of {len(elements)}")
        return tuple(to_python(t, v, f"{path}[{i}]") for i, (t, v) in enumerate(zip(elements, value)))
    if isinstance(ty, wc.RecordType):
        _expect(isinstance(value, dict), path, f"{_describe(value)} is not an object")
        fields = dict(ty.fields)
        unknown = set(value) - set(fields)
        _expect(not unknown, path, f"unknown fields {sorted(unknown)}")
        record = wc.Record()
        for name, field_ty in fields.items():
            if name not in value:
                _expect(isinstance(field_ty, wc.OptionType), path, f"missing field {name}")
                setattr(record, name, _variant_like(field_ty, "none", None))
            else:
                setattr(record, name, to_python(field_ty, value[name], f"{path}.{name}"))
        return record
    if isinstance(ty, wc.EnumType):
        _expect(value in ty.names, path, f"{_describe(value)} is not one of {ty.names}")
        return value
    if isinstance(ty, wc.FlagsType):
        _expect(isinstance(value, list) and all(v in ty.names for v in value), path,
                f"{_describe(value)} is not an array of flags {ty.names}")
        return set(value)
    if isinstance(ty, wc.OptionType):
        if isinstance(ty.payload, wc.OptionType):  # option<option<T>>: the outer level is tagged
            tag, payload = _tagged_object(value, path, {"none": None, "some": ty.payload})
        else:
            tag, payload = ("none", None) if value is None else ("some", to_python(ty.payload, value, path))
        return _variant_like(ty, tag, payload)
    if isinstance(ty, wc.ResultType):
        return _variant_like(ty, *_tagged_object(value, path, {"ok": ty.ok, "err": ty.err}))
    if isinstance(ty, wc.VariantType):
        return _variant_like(ty, *_tagged_object(value, path, dict(ty.cases)))
    raise BadArgs(path, f"{type(ty).__name__} cannot cross JSON")


def float_json(value, single):
    """Shortest decimal that reads back to the same value of its own type; "nan" and
    friends as strings; -0.0 keeps its sign."""
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if not single:
        return value
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if to_f32(float(text)) == value:
            return float(text)
    return value


def _case_of(ty, value):
    """The case name and payload of an untagged Python variant-like value."""
    if isinstance(value, wc.Variant):
        return value.tag, value.payload
    for name, case_ty in ty._cases():
        if case_ty is None:
            if value is None:
                return name, None
            continue
        classes = set()
        case_ty.add_classes(classes)
        if isinstance(value, tuple(classes)):
            return name, value
    raise ValueError(f"no case of {wit_name(ty)} holds {value!r}")


def _tagged_json(tag, payload_ty, payload):
    return {"tag": tag} if payload_ty is None else {"tag": tag, "val": to_json(payload_ty, payload)}


def to_json(ty, value):
    if isinstance(ty, (wc.Bool, wc.Char, wc.String, wc.EnumType)) or type(ty) in INT_RANGES:
        return value
    if isinstance(ty, (wc.F32, wc.F64)):
        return float_json(value, isinstance(ty, wc.F32))
    if isinstance(ty, wc.ListType):
        return [to_json(ty.element, v) for v in value]
    if isinstance(ty, wc.TupleType):
        return [to_json(t, v) for t, v in zip(ty.elements, value)]
    if isinstance(ty, wc.RecordType):
        return {name: to_json(field_ty, getattr(value, name)) for name, field_ty in ty.fields}
    if isinstance(ty, wc.FlagsType):
        return [name for name in ty.names if name in value]
    if isinstance(ty, wc.OptionType):
        tag, payload = _case_of(ty, value)
        if isinstance(ty.payload, wc.OptionType):
            return _tagged_json(tag, ty.payload if tag == "some" else None, payload)
        return None if tag == "none" else to_json(ty.payload, payload)
    if isinstance(ty, wc.ResultType):
        tag, payload = _case_of(ty, value)
        return _tagged_json(tag, ty.ok if tag == "ok" else ty.err, payload)
    if isinstance(ty, wc.VariantType):
        tag, payload = _case_of(ty, value)
        return _tagged_json(tag, dict(ty.cases)[tag], payload)
    raise TypeError(f"{type(ty).__name__} cannot cross JSON")


def callable_type(ty):
    """None when every type in the function can cross JSON, else why not."""
    def blocked(t):
        if isinstance(t, (wc.OwnType, wc.BorrowType)):
            return "resource types cannot cross JSON"
        if isinstance(t, (wc.FutureType, wc.StreamType, wc.ErrorContext)):
            return "futures, streams and error contexts cannot cross JSON"
        if isinstance(t, wc.ListType):
            return blocked(t.element)
        if isinstance(t, wc.OptionType):
            return blocked(t.payload)
        if isinstance(t, wc.TupleType):
            return next(filter(None, map(blocked, t.elements)), None)
        if isinstance(t, wc.RecordType):
            return next(filter(None, (blocked(f) for _, f in t.fields)), None)
        if isinstance(t, wc.ResultType):
            return next(filter(None, (blocked(c) for c in (t.ok, t.err) if c is not None)), None)
        if isinstance(t, wc.VariantType):
            return next(filter(None, (blocked(c) for _, c in t.cases if c is not None)), None)
        return None
    types = [t for _, t in ty.params] + ([ty.result] if ty.result is not None else [])
    return next(filter(None, map(blocked, types)), None)
