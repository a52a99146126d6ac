"""A generated corpus of JSON argument texts for the value-rule agreement test.

Each entry is JSON text for one argument. The numbers stay text so that the
daemon sees exactly what is written here (5.0, 5e0, -0, 18446744073709551615.0).
"""

EDGES = [
    0, 1, 7, 9, 10, 15, 16, 255, 256,
    2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53 - 1, 2**53, 2**53 + 1,
    2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**65,
]


def integer_texts():
    """Edge integers as JSON numbers and strings, in every accepted spelling and some that are not."""
    texts = []
    for edge in EDGES:
        for value in {edge - 1, edge, edge + 1}:
            for signed in ([value, -value] if value else [0]):
                sign = "-" if signed < 0 else ""
                magnitude = abs(signed)
                texts += [
                    str(signed),                         # JSON integer
                    f"{signed}.0",                       # integral JSON number with a fraction part
                    f"{signed}e0",
                    f'"{signed}"',                       # decimal string
                    f'"{sign}0x{magnitude:x}"',          # hex string
                    f'"{sign}0X{magnitude:X}"',
                    f'"{sign}000{magnitude}"',           # leading zeros
                ]
    texts += [
        "-0", "-0.0", '"-0"', '"-0x0"', "1.5", "-1.5", "0.5", "1e-3", "1.5e1", "120e-1", "12e-1", "1E2",
        "1e20", "1e400", "-1e400", "4294967295.5", "18446744073709551615.0", "1.8446744073709551615e19",
        "-9223372036854775809.0", "-9.223372036854775808e18", "9223372036854775807.9",
        "0.0000000000000000000000001e25", "100000000000000000000000e-23",
        '"1.5"', '"1e3"', '""', '"-"', '"0x"', '"-0x"', '"+5"', '" 5"', '"5 "', '"5\\n"', '"0b101"',
        '"1_000"', '"--5"', '"0x-5"', '"0x1g"', '"0xx1"', '"\\uff11"', '"\\u0661"', '"5\\u0000"',
    ]
    return texts


def float_texts():
    texts = [
        "0", "-0", "0.1", "-0.0", "3", "1e39", "-1e39", "1e-50", "1e400", "3.4028234663852886e38",
        "1.7976931348623157e308", "5e-324", "123456789012345678901234567890",
        '"nan"', '"-nan"', '"inf"', '"-inf"', '"NaN"', '"Infinity"', '"+inf"', '"nan "', '"0.5"', '""',
    ]
    for bits in ["0x7fc00000", "0x7FC00001", "0X1", "2143289345", "0", "-0", "-1", "0xffffffff", "0x100000000",
                 "0xfff0000000000001", "0xffffffffffffffff", "0x10000000000000000", "18446744073709551615",
                 "18446744073709551616", "1.5", "x", "", "0x"]:
        texts.append(f'{{"bits": "{bits}"}}')
    for bits in ["0", "1", "-1", "-0", "1.0", "1.5", "4294967295", "4294967296", "18446744073709551615",
                 "18446744073709551616", "null", "true", "[1]"]:
        texts.append(f'{{"bits": {bits}}}')
    texts += ['{}', '{"bit": 1}', '{"bits": 1, "x": 2}', '{"BITS": 1}']
    return texts


def vector_texts():
    hex32 = "000102030405060708090a0b0c0d0eff"
    return [
        f'"0x{hex32}"', f'"0X{hex32.upper()}"', f'"0x{hex32[:-1]}"', f'"0x{hex32}0"', f'"{hex32}"',
        f'"0x{hex32[:-1]}g"', f'"0x+{hex32[1:]}"', f'"0x-{hex32[1:]}"', f'" 0x{hex32}"', f'"0x{hex32}\\n"',
        '"0x"', '"0x00"', '"0x' + "f" * 32 + '"', '"0x' + "F" * 32 + '"',
    ]


WRONG_TYPES = ["null", "true", "false", "[]", "[1]", "{}", '{"a": 1}', '"x"', '"null"']


def corpus():
    """Every argument text, once (the same corpus goes to every type)."""
    seen = []
    for text in integer_texts() + float_texts() + vector_texts() + WRONG_TYPES:
        if text not in seen:
            seen.append(text)
    return seen
