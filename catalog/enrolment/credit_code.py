"""The unified social credit code (统一社会信用代码, GB 32100-2015): its characters, its check character,
and what is wrong with a code a registering supplier typed.
"""

from __future__ import annotations

#: The 31 characters of a unified social credit code (no I, O, Z, S, V), each worth its index.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: The weights of positions 1–17 as GB 32100-2015 gives them: 3 ** (i - 1) mod 31.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

CODE_LENGTH = 18

_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


def check_character(first17: str) -> str:
    """The check character (position 18) of the code whose first 17 characters are given."""
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


def credit_code_problem(code: str) -> tuple[str, str] | None:
    """What is wrong with an (upper-case) credit code, as (Chinese, English); None when valid:
    18 characters of the set, positions 3–8 an administrative division code (digits), position 18
    the check character of the other 17."""
    if len(code) != CODE_LENGTH:
        return (
            f"统一社会信用代码应为 18 位，填写的是 {len(code)} 位",
            f"A unified social credit code has 18 characters, not {len(code)}",
        )
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return (
                f"第 {position} 位的“{ch}”不是代码字符（不使用 I、O、Z、S、V）",
                f"Position {position}: '{ch}' is not a code character (I, O, Z, S and V are never used)",
            )
    if not code[2:8].isdigit():
        return (
            "第 3–8 位应为行政区划代码（6 位数字）",
            "Positions 3–8 must be an administrative division code (6 digits)",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return (
            f"校验位应为 {expected}，填写的是 {code[17]}",
            f"The check character should be {expected}, not {code[17]}",
        )
    return None


def normalise_credit_code(raw: str) -> str:
    return raw.strip().upper()
