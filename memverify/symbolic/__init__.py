"""The symbolic core: sympy derives the loss of the diagonal model, its
gradient and Hessian from the defining integral (`derive`), and writes down
the paper's printed formulas (`memverify.symbolic.paper`) so that claims can
prove them equal, or not."""

from .loss import (AbsTemplateMoment, LossDerivation, Moment, TemplateMoment, derive,
                   expsum_moment, loss_value, memory_target, model, norm_symbol, parameters,
                   reduce_integrals, rho, t)

__all__ = ["AbsTemplateMoment", "LossDerivation", "Moment", "TemplateMoment", "derive",
           "expsum_moment", "loss_value", "memory_target", "model", "norm_symbol", "parameters",
           "reduce_integrals", "rho", "t"]
