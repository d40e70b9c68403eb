"""General continuous-time RNNs h' = sigma(W h + U x), y = c^T h (eqs. 5-7) with a
full recurrent matrix W, trained by gradient descent, heavy ball or Adam on JAX
(float64): the experiments of Figures 1 and 4 (Appendix C.3).

Importing this package switches JAX to float64 (``jax_enable_x64``): near the
stability boundary float32 changes the dynamics.
"""

import jax

jax.config.update("jax_enable_x64", True)

from .rnn import (init_params, kernel_euler, euler_outputs, target_outputs, white_noise_loss,  # noqa: E402
                  white_noise_loss_euler, sampled_loss, sampled_loss_linear, input_gram, sequence_loss)
from .data import (white_noise_inputs, cosine_inputs, random_expsum_target, rho_grid, lorenz96)  # noqa: E402
from .plateau import plateau_measure, PlateauParams  # noqa: E402
from .optim import make_optimizer, train  # noqa: E402

__all__ = ["init_params", "kernel_euler", "euler_outputs", "target_outputs", "white_noise_loss",
           "white_noise_loss_euler", "sampled_loss", "sampled_loss_linear", "input_gram", "sequence_loss",
           "white_noise_inputs", "cosine_inputs", "random_expsum_target", "rho_grid", "lorenz96",
           "plateau_measure", "PlateauParams", "make_optimizer", "train"]
