"""The PINs refused at enrollment as too common, unless `appliance.toml` gives its own list
(`common_pins`).

Drawn from published analyses of the PINs people choose (DataGenetics 2012; Bonneau,
Preibusch and Anderson 2012) and of 6-digit PINs. PINs of one repeated digit (1111) and runs
(1234, 4321, 7890) are refused by their own rules (`appliance.policy.pin_rule_broken`) and are
not listed: what is left are pairs and patterns (1212, 1122), keypad shapes (2580), years and
dates (1984, 2000, 0101) and words (5683: LOVE).
"""

from __future__ import annotations

_FOUR_DIGITS = """
1212 1004 2000 6969 1122 1313 2001 1010 2580 0852 1230 5683 0007 1112 1221 1001 1000
1984 1985 1986 1987 1988 1989 1990 1991 1992 1993 1994 1995 1996 1997 1998 1999 2002
2003 2004 2005 2010 2012 2020 2021 2022 2023 2024 2025 0101 0102 0202 0303 1231 1225
1123 1066 1969 2323 4545 1414 2121
"""
_SIX_DIGITS = """
121212 112233 123123 123321 111222 159753 696969 131313 101010 102030 147258 159357
252525 142536 520520 789456 147852 258369 000007 200000 100000 110110 202020 232323
998877 741852 963852 147369 212121
"""
COMMON_PINS: frozenset[str] = frozenset((_FOUR_DIGITS + _SIX_DIGITS).split())
