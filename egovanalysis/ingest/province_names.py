"""Province names as the press writes them, for the ``scope`` of an extracted figure (``province:<slug>``).

A simple list of the 63 provincial-level units of 2008-2025 with their usual spellings (with and without
diacritics, English forms such as ``Hanoi`` and ``HCM City``), written here until the provinces module
(DESIGN.md: ``provinces.csv`` from a well-kept library of Vietnam's administrative units) replaces it. The
slug is the name without diacritics, lower case, words joined by ``-`` (``Đà Nẵng`` -> ``da-nang``), the
form ``data/raw/reported_figures.csv`` already uses. The 34 units of 2025 keep names of the 63 (``Huế``
for Thừa Thiên Huế), so the same list finds them; which era a figure refers to is left to the reviewer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: The 63 provinces and centrally run cities (2008-2025), as written in Vietnamese.
PROVINCES_VI: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh",
    "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
    "Tiền Giang", "Thành phố Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip

#: Other spellings -> the Vietnamese name above.
ALIASES: dict[str, str] = {
    "Hanoi": "Hà Nội", "Ha Noi": "Hà Nội", "Danang": "Đà Nẵng", "Da Nang": "Đà Nẵng",
    "Haiphong": "Hải Phòng", "Hai Phong": "Hải Phòng", "Can Tho": "Cần Thơ", "Hue": "Thừa Thiên Huế",
    "Huế": "Thừa Thiên Huế", "Thua Thien Hue": "Thừa Thiên Huế", "Thua Thien-Hue": "Thừa Thiên Huế",
    "Thừa Thiên-Huế": "Thừa Thiên Huế", "Ho Chi Minh City": "Thành phố Hồ Chí Minh",
    "HCM City": "Thành phố Hồ Chí Minh", "HCMC": "Thành phố Hồ Chí Minh", "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP HCM": "Thành phố Hồ Chí Minh", "TPHCM": "Thành phố Hồ Chí Minh",
    "TP. Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "TP Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "Ba Ria - Vung Tau": "Bà Rịa - Vũng Tàu", "Ba Ria-Vung Tau": "Bà Rịa - Vũng Tàu",
    "Bà Rịa-Vũng Tàu": "Bà Rịa - Vũng Tàu", "Vung Tau": "Bà Rịa - Vũng Tàu", "Dak Lak": "Đắk Lắk",
    "Daklak": "Đắk Lắk", "Dak Nong": "Đắk Nông", "Khanh Hoa": "Khánh Hòa", "Hoa Binh": "Hòa Bình",
    "Thanh Hoa": "Thanh Hóa",
}  # fmt: skip


def fold(text: str) -> str:
    """Lower case without diacritics (``đ`` -> ``d``), for matching names however they are spelt."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(name: str) -> str:
    """``Đà Nẵng`` -> ``da-nang``; ``Thành phố Hồ Chí Minh`` -> ``ho-chi-minh``."""
    name = ALIASES.get(name, name).removeprefix("Thành phố ")
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def _key(name: str) -> str:
    """A name folded, with spaces, hyphens and dots removed: how spellings of one name are matched."""
    return re.sub(r"[\s.-]+", "", fold(name))


_BY_KEY: dict[str, str] = {_key(name): slug(name) for name in PROVINCES_VI}
_BY_KEY.update({_key(alias): slug(name) for alias, name in ALIASES.items()})
_SPELLINGS = sorted({fold(n) for n in (*PROVINCES_VI, *ALIASES)}, key=len, reverse=True)
_NAME_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(r"[\s.-]?".join(re.escape(part) for part in re.split(r"[\s.-]+", n)) for n in _SPELLINGS)
    + r")(?![a-z0-9])"
)


@lru_cache(maxsize=1024)
def provinces_in(text: str) -> tuple[str, ...]:
    """Slugs of the provinces named in ``text``, in order of first mention, each once (cached: the
    figures of one clause ask about the same text)."""
    found: list[str] = []
    for match in _NAME_RE.finditer(fold(text)):
        name = _BY_KEY.get(_key(match.group()))
        if name is not None and name not in found:
            found.append(name)
    return tuple(found)
