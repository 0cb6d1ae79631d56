"""Data-residency catalog: which public cloud regions sit in which jurisdiction.

Pure data, no cloud SDK imports.  Used by config validation (a stack's regions must
lie inside ``blueprint:residency``), by the composer (preferred primary/secondary
regions and their zones) and by the residency policy.

Where the figures come from
---------------------------
* AWS region codes and display names: the ``aws`` partition of botocore's
  ``endpoints.json`` (botocore 1.43): 34 commercial regions.  GovCloud, China,
  ISO and the European Sovereign Cloud partitions are deliberately left out.
* AWS zone names: the EC2 ``DescribeInstanceTypeOfferings`` snapshots shipped in
  moto 5.2.1 (``moto/ec2/resources/instance_type_offerings/availability-zone``).
  AWS maps zone *letters* per account in the older regions, so an account may see
  different letters (e.g. us-west-1a/c instead of a/b); the counts are fixed.
  Regions newer than that snapshot (ap-east-2, ap-southeast-6, ap-southeast-7,
  mx-central-1) launched with three zones, listed as a, b, c.
* GCP regions and zones: Compute Engine's "Regions and zones" page, cross-checked
  against per-zone machine-type listings of the Compute API (SkyPilot's public
  GCP catalog, 2025).  Zone suffixes are mostly a/b/c; the exceptions are
  us-central1 (a, b, c, f), us-east1 (b, c, d) and europe-west1 (b, c, d).

Jurisdiction membership follows the country a region's data centres are in:
``eu`` is EU member states only (so neither London nor Zurich), ``uk`` is the UK
only.  Within a jurisdiction, regions are listed best-connected / largest first;
that order is the composer's preference order.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

__all__ = [
    "CLOUDS",
    "CloudRegion",
    "JURISDICTIONS",
    "Jurisdiction",
    "all_regions",
    "find_region",
    "jurisdiction",
    "jurisdictions_of",
    "regions",
]

CLOUDS: tuple[str, ...] = ("aws", "gcp")


@dataclass(frozen=True)
class CloudRegion:
    """One cloud region and the names of its zones (AZ names on AWS, zones on GCP)."""

    name: str
    display: str
    zones: tuple[str, ...]


@dataclass(frozen=True)
class Jurisdiction:
    """A legal area for data residency and its regions per cloud, in preference order."""

    code: str
    name: str
    aws: tuple[CloudRegion, ...]
    gcp: tuple[CloudRegion, ...]

    def regions(self, cloud: str) -> tuple[CloudRegion, ...]:
        """The jurisdiction's regions on ``cloud`` ("aws" or "gcp")."""
        _check_cloud(cloud)
        return self.aws if cloud == "aws" else self.gcp


def _aws(name: str, display: str, letters: str) -> CloudRegion:
    return CloudRegion(name, display, tuple(f"{name}{c}" for c in letters))


def _gcp(name: str, display: str, letters: str = "abc") -> CloudRegion:
    return CloudRegion(name, display, tuple(f"{name}-{c}" for c in letters))


# --------------------------------------------------------------------------- AWS
# Every commercial region of the `aws` partition.  Order: the order used for
# "any" (largest / best-connected first), then the rest roughly by size.
_AWS_REGIONS: tuple[CloudRegion, ...] = (
    _aws("us-east-1", "US East (N. Virginia)", "abcdef"),
    _aws("us-west-2", "US West (Oregon)", "abcd"),
    _aws("us-east-2", "US East (Ohio)", "abc"),
    _aws("us-west-1", "US West (N. California)", "ab"),
    _aws("eu-central-1", "Europe (Frankfurt)", "abc"),
    _aws("eu-west-1", "Europe (Ireland)", "abc"),
    _aws("eu-west-2", "Europe (London)", "abc"),
    _aws("eu-west-3", "Europe (Paris)", "abc"),
    _aws("eu-north-1", "Europe (Stockholm)", "abc"),
    _aws("eu-south-1", "Europe (Milan)", "abc"),
    _aws("eu-south-2", "Europe (Spain)", "abc"),
    _aws("eu-central-2", "Europe (Zurich)", "abc"),
    _aws("ap-northeast-1", "Asia Pacific (Tokyo)", "acd"),
    _aws("ap-northeast-3", "Asia Pacific (Osaka)", "abc"),
    _aws("ap-southeast-1", "Asia Pacific (Singapore)", "abc"),
    _aws("ap-southeast-2", "Asia Pacific (Sydney)", "abc"),
    _aws("ap-southeast-4", "Asia Pacific (Melbourne)", "abc"),
    _aws("ap-south-1", "Asia Pacific (Mumbai)", "abc"),
    _aws("ap-south-2", "Asia Pacific (Hyderabad)", "abc"),
    _aws("ap-northeast-2", "Asia Pacific (Seoul)", "abcd"),
    _aws("ap-east-1", "Asia Pacific (Hong Kong)", "abc"),
    _aws("ap-east-2", "Asia Pacific (Taipei)", "abc"),
    _aws("ap-southeast-3", "Asia Pacific (Jakarta)", "abc"),
    _aws("ap-southeast-5", "Asia Pacific (Malaysia)", "abc"),
    _aws("ap-southeast-6", "Asia Pacific (New Zealand)", "abc"),
    _aws("ap-southeast-7", "Asia Pacific (Thailand)", "abc"),
    _aws("ca-central-1", "Canada (Central)", "abd"),
    _aws("ca-west-1", "Canada West (Calgary)", "abc"),
    _aws("sa-east-1", "South America (Sao Paulo)", "abc"),
    _aws("mx-central-1", "Mexico (Central)", "abc"),
    _aws("me-central-1", "Middle East (UAE)", "abc"),
    _aws("me-south-1", "Middle East (Bahrain)", "abc"),
    _aws("il-central-1", "Israel (Tel Aviv)", "abc"),
    _aws("af-south-1", "Africa (Cape Town)", "abc"),
)

# --------------------------------------------------------------------------- GCP
# Every public Compute Engine region (restricted-access-only regions such as
# us-central2, which hosts TPUs only, are not listed).
_GCP_REGIONS: tuple[CloudRegion, ...] = (
    _gcp("us-central1", "Council Bluffs, Iowa, USA", "abcf"),
    _gcp("us-east4", "Ashburn, Virginia, USA"),
    _gcp("us-east1", "Moncks Corner, South Carolina, USA", "bcd"),
    _gcp("us-west1", "The Dalles, Oregon, USA"),
    _gcp("us-east5", "Columbus, Ohio, USA"),
    _gcp("us-south1", "Dallas, Texas, USA"),
    _gcp("us-west4", "Las Vegas, Nevada, USA"),
    _gcp("us-west2", "Los Angeles, California, USA"),
    _gcp("us-west3", "Salt Lake City, Utah, USA"),
    _gcp("europe-west4", "Eemshaven, Netherlands"),
    _gcp("europe-west1", "St. Ghislain, Belgium", "bcd"),
    _gcp("europe-west3", "Frankfurt, Germany"),
    _gcp("europe-west9", "Paris, France"),
    _gcp("europe-north1", "Hamina, Finland"),
    _gcp("europe-west8", "Milan, Italy"),
    _gcp("europe-southwest1", "Madrid, Spain"),
    _gcp("europe-central2", "Warsaw, Poland"),
    _gcp("europe-west10", "Berlin, Germany"),
    _gcp("europe-west12", "Turin, Italy"),
    _gcp("europe-north2", "Stockholm, Sweden"),
    _gcp("europe-west2", "London, England, UK"),
    _gcp("europe-west6", "Zurich, Switzerland"),
    _gcp("asia-northeast1", "Tokyo, Japan"),
    _gcp("asia-northeast2", "Osaka, Japan"),
    _gcp("asia-southeast1", "Jurong West, Singapore"),
    _gcp("australia-southeast1", "Sydney, Australia"),
    _gcp("australia-southeast2", "Melbourne, Australia"),
    _gcp("asia-south1", "Mumbai, India"),
    _gcp("asia-south2", "Delhi, India"),
    _gcp("asia-northeast3", "Seoul, South Korea"),
    _gcp("asia-east1", "Changhua County, Taiwan"),
    _gcp("asia-east2", "Hong Kong"),
    _gcp("asia-southeast2", "Jakarta, Indonesia"),
    _gcp("northamerica-northeast1", "Montréal, Québec, Canada"),
    _gcp("northamerica-northeast2", "Toronto, Ontario, Canada"),
    _gcp("northamerica-south1", "Querétaro, Mexico"),
    _gcp("southamerica-east1", "Osasco, São Paulo, Brazil"),
    _gcp("southamerica-west1", "Santiago, Chile"),
    _gcp("me-central1", "Doha, Qatar"),
    _gcp("me-central2", "Dammam, Saudi Arabia"),
    _gcp("me-west1", "Tel Aviv, Israel"),
    _gcp("africa-south1", "Johannesburg, South Africa"),
)

_ALL: Mapping[str, Mapping[str, CloudRegion]] = MappingProxyType(
    {
        "aws": MappingProxyType({r.name: r for r in _AWS_REGIONS}),
        "gcp": MappingProxyType({r.name: r for r in _GCP_REGIONS}),
    }
)


def _check_cloud(cloud: str) -> None:
    if cloud not in CLOUDS:
        raise KeyError(f"unknown cloud {cloud!r}; expected one of {', '.join(CLOUDS)}")


def _pick(cloud: str, *names: str) -> tuple[CloudRegion, ...]:
    table = _ALL[cloud]
    return tuple(table[n] for n in names)


def _j(code: str, name: str, aws: tuple[str, ...], gcp: tuple[str, ...]) -> Jurisdiction:
    return Jurisdiction(code, name, _pick("aws", *aws), _pick("gcp", *gcp))


JURISDICTIONS: Mapping[str, Jurisdiction] = MappingProxyType(
    {
        "us": _j(
            "us",
            "United States",
            ("us-east-1", "us-west-2", "us-east-2", "us-west-1"),
            (
                "us-central1", "us-east4", "us-east1", "us-west1", "us-east5",
                "us-south1", "us-west4", "us-west2", "us-west3",
            ),
        ),
        "eu": _j(
            "eu",
            "European Union",
            # Germany, Ireland, France, Sweden, Italy, Spain.
            ("eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2"),
            # Netherlands, Belgium, Germany, France, Finland, Italy, Spain, Poland,
            # Germany (Berlin), Italy (Turin), Sweden.
            (
                "europe-west4", "europe-west1", "europe-west3", "europe-west9",
                "europe-north1", "europe-west8", "europe-southwest1", "europe-central2",
                "europe-west10", "europe-west12", "europe-north2",
            ),
        ),
        "uk": _j("uk", "United Kingdom", ("eu-west-2",), ("europe-west2",)),
        "ca": _j(
            "ca",
            "Canada",
            ("ca-central-1", "ca-west-1"),
            ("northamerica-northeast1", "northamerica-northeast2"),
        ),
        "jp": _j(
            "jp",
            "Japan",
            ("ap-northeast-1", "ap-northeast-3"),
            ("asia-northeast1", "asia-northeast2"),
        ),
        "au": _j(
            "au",
            "Australia",
            ("ap-southeast-2", "ap-southeast-4"),
            ("australia-southeast1", "australia-southeast2"),
        ),
        "in": _j("in", "India", ("ap-south-1", "ap-south-2"), ("asia-south1", "asia-south2")),
        "sg": _j("sg", "Singapore", ("ap-southeast-1",), ("asia-southeast1",)),
        "br": _j("br", "Brazil", ("sa-east-1",), ("southamerica-east1",)),
        "any": Jurisdiction("any", "Any region", _AWS_REGIONS, _GCP_REGIONS),
    }
)


def jurisdiction(code: str) -> Jurisdiction:
    """The jurisdiction with this code; ``KeyError`` if it is not catalogued."""
    try:
        return JURISDICTIONS[code]
    except KeyError:
        raise KeyError(
            f"unknown jurisdiction {code!r}; expected one of {', '.join(JURISDICTIONS)}"
        ) from None


def regions(cloud: str, code: str) -> dict[str, CloudRegion]:
    """Regions of jurisdiction ``code`` on ``cloud`` by name, in preference order."""
    return {r.name: r for r in jurisdiction(code).regions(cloud)}


def all_regions(cloud: str) -> dict[str, CloudRegion]:
    """Every catalogued commercial region of ``cloud`` by name."""
    _check_cloud(cloud)
    return dict(_ALL[cloud])


def find_region(cloud: str, name: str) -> CloudRegion | None:
    """The region called ``name`` on ``cloud``, or ``None`` if it is not catalogued."""
    _check_cloud(cloud)
    return _ALL[cloud].get(name)


def jurisdictions_of(cloud: str, region: str) -> list[str]:
    """Codes of the named jurisdictions (never ``any``) that contain ``region``."""
    _check_cloud(cloud)
    return [
        code
        for code, j in JURISDICTIONS.items()
        if code != "any" and any(r.name == region for r in j.regions(cloud))
    ]
