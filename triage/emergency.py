"""Which emergency number to offer, from the one thing the app knows about where a person
is: the time zone of their profile. Where the zone does not tell the country, every number
is shown, never a guess."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmergencyNumber:
    number: str
    where: str

    @property
    def tel(self) -> str:
        return f"tel:{self.number}"


UK = EmergencyNumber("999", "UK")
EUROPE = EmergencyNumber("112", "Europe")
NORTH_AMERICA = EmergencyNumber("911", "North America")
ALL_NUMBERS = (UK, EUROPE, NORTH_AMERICA)

UK_ZONES = frozenset(
    {"Europe/London", "Europe/Belfast", "Europe/Guernsey", "Europe/Jersey", "Europe/Isle_of_Man",
     "GB", "GB-Eire"}
)  # fmt: skip
# Europe outside the UK; 112 works in every country of the EU and most of the rest.
OTHER_EUROPE_ZONES = frozenset(
    {"Atlantic/Azores", "Atlantic/Canary", "Atlantic/Faroe", "Atlantic/Madeira",
     "Arctic/Longyearbyen", "Eire", "CET", "EET", "MET", "WET", "Poland", "Portugal"}
)  # fmt: skip
# The United States, Canada and Mexico: 911.
NORTH_AMERICA_PREFIXES = ("US/", "Canada/", "America/Indiana/", "America/Kentucky/",
                          "America/North_Dakota/")  # fmt: skip
NORTH_AMERICA_ZONES = frozenset(
    {"America/" + city for city in (
        "New_York", "Chicago", "Denver", "Los_Angeles", "Phoenix", "Anchorage", "Juneau",
        "Sitka", "Nome", "Yakutat", "Metlakatla", "Adak", "Boise", "Detroit", "Menominee",
        "Toronto", "Montreal", "Vancouver", "Edmonton", "Winnipeg", "Regina", "Halifax",
        "St_Johns", "Moncton", "Glace_Bay", "Goose_Bay", "Whitehorse", "Dawson",
        "Dawson_Creek", "Fort_Nelson", "Creston", "Iqaluit", "Rankin_Inlet", "Resolute",
        "Cambridge_Bay", "Inuvik", "Swift_Current", "Atikokan", "Blanc-Sablon",
        "Thunder_Bay", "Nipigon", "Rainy_River", "Yellowknife", "Pangnirtung",
        "Mexico_City", "Cancun", "Merida", "Monterrey", "Matamoros", "Chihuahua", "Ojinaga",
        "Mazatlan", "Bahia_Banderas", "Hermosillo", "Tijuana", "Ciudad_Juarez",
    )}
    | {"Pacific/Honolulu", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "Navajo"}
)  # fmt: skip


def emergency_numbers_for(time_zone: str | None) -> tuple[EmergencyNumber, ...]:
    """The number for the person's country where their time zone tells it, else all."""
    zone = time_zone or ""
    if zone in UK_ZONES:
        return (UK,)
    if (zone.startswith("Europe/") and zone not in UK_ZONES) or zone in OTHER_EUROPE_ZONES:
        return (EUROPE,)
    if zone in NORTH_AMERICA_ZONES or zone.startswith(NORTH_AMERICA_PREFIXES):
        return (NORTH_AMERICA,)
    return ALL_NUMBERS
