"""memverify: symbolic-numeric verification of Li, Han, E, Li, "On the Curse of
Memory in Recurrent Neural Networks" (ICLR 2021).

Public API:

- targets: `ExpSum`, `MemoryBump`, `PowerLaw`, `Airy`;
- the loss engine: `Loss`;
- numbers: `Precision` (float64 / mpmath / arb), `PrecisionError` (the one error for
  "this precision cannot resolve the answer");
- the claims: `claims.REGISTRY`, `report.run_claims`, `Verdict`.
"""

from .backends import Precision, PrecisionError
from .loss import Loss
from .targets import Airy, ExpSum, MemoryBump, PowerLaw

__version__ = "0.1.0"

__all__ = ["Airy", "ExpSum", "Loss", "MemoryBump", "PowerLaw", "Precision", "PrecisionError", "__version__"]
