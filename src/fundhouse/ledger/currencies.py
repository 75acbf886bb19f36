"""ISO 4217 minor units: how many decimal places an amount in a currency may carry."""

from __future__ import annotations

import re
from decimal import Decimal

CURRENCY_CODE = re.compile(r"[A-Z]{3}")

_LIST_ONE = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP "
    "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK "
    "JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK "
    "MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN "
    "PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB "
    "TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD "
    "XCG XOF XPF YER ZAR ZMW ZWG ZWL"
)
CURRENCY_CODES: frozenset[str] = frozenset(_LIST_ONE.split())
"""The codes of ISO 4217 list one (current currencies and funds) that have a minor unit.

Left out on purpose: the list's entries without a minor unit, which no amount here can be
written in (gold, silver, platinum and palladium XAU XAG XPT XPD, the bond market units
XBA-XBD, XDR, XSU, XUA, the testing code XTS and the code for "no currency"), and withdrawn
codes (HRK, MRO, STD, VEF ...).
"""

DEFAULT_MINOR_UNITS = 2

MINOR_UNITS: dict[str, int] = {
    # No minor unit (ISO 4217 list one, exponent 0).
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    # Three decimal places.
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    # Four decimal places (units of account).
    "CLF": 4,
    "UYW": 4,
}
"""The currencies whose exponent is not 2 (ISO 4217, list one); every other code uses 2."""


def is_currency_code(code: str) -> bool:
    """True for a current ISO 4217 currency code (:data:`CURRENCY_CODES`); ``"KBL"`` is not."""
    return code in CURRENCY_CODES


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get(currency, DEFAULT_MINOR_UNITS)


def decimal_places(amount: Decimal) -> int:
    """The decimal places ``amount`` really uses (``1.50`` uses one), without any rounding."""
    _sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    places = -exponent
    index = len(digits) - 1
    while places > 0 and index >= 0 and digits[index] == 0:
        places -= 1
        index -= 1
    return places


def format_amount(amount: Decimal, currency: str) -> str:
    """``amount`` written with exactly the currency's decimal places (``1250.5`` → ``1250.50``).

    Only for amounts that already fit the currency: no rounding happens here.
    """
    places = minor_units(currency)
    if decimal_places(amount) > places:
        raise ValueError(f"{amount} has more than {places} decimal places for {currency}")
    return format(amount, f".{places}f")
