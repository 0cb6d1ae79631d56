"""Kubernetes resource quantities (CPU and memory), parsed without a cloud or Kubernetes SDK.

The stack file's ``service.fallback.cpu`` / ``memory`` and ``FallbackServiceArgs.cpu`` / ``memory``
are Kubernetes quantities. The grammar is the one of k8s.io/apimachinery ``pkg/api/resource``
(quantity.go: ``<signedNumber><suffix>``, suffixes ``m`` (milli), decimal SI ``k M G T P E`` and
binary ``Ki Mi Gi Ti Pi Ei``); blueprint accepts the subset a pod request needs: no sign, no
exponent, CPU in cores or millicores (``500m``, ``1``, ``1.5``), memory in bytes with a decimal or
binary suffix (``512Mi``, ``2Gi``, ``2G``).
"""

from __future__ import annotations

import re
from decimal import Decimal

_CPU = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]{1,3})?)(?P<suffix>m?)$")
_MEMORY = re.compile(r"^(?P<number>[0-9]+)(?P<suffix>Ki|Mi|Gi|Ti|k|M|G|T)?$")
_MEMORY_FACTORS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
                   "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def cpu_millicores(quantity: str) -> int:
    """``"500m"`` -> 500, ``"1.5"`` -> 1500; ValueError naming the quantity otherwise (a fraction
    below one millicore is refused: Kubernetes rounds CPU to millicores)."""
    found = _CPU.match(quantity) if isinstance(quantity, str) else None
    if found is None or (found["suffix"] == "m" and "." in found["number"]):
        raise ValueError(f"{quantity!r} is not a CPU quantity; use cores ('1', '1.5') or millicores ('500m')")
    number = Decimal(found["number"])
    return int(number) if found["suffix"] == "m" else int(number * 1000)


def memory_mib(quantity: str) -> float:
    """``"2Gi"`` -> 2048.0, ``"512Mi"`` -> 512.0, ``"1G"`` -> 953.67...; ValueError naming the quantity otherwise."""
    found = _MEMORY.match(quantity) if isinstance(quantity, str) else None
    if found is None:
        raise ValueError(f"{quantity!r} is not a memory quantity; use bytes with a suffix such as '512Mi', '2Gi' or '2G'")
    return int(found["number"]) * _MEMORY_FACTORS[found["suffix"] or ""] / 2**20
