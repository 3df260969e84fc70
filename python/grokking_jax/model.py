"""The grokking transformer as a Flax NNX module, laid out as the reference system's model.

Its state paths are the reference's (``embedding/embedding``, ``layers/{l}/0/Wq/kernel`` for the
attention block, ``layers/{l}/1/w1/kernel`` for the feed-forward block, ``final_norm/scale``,
``output_dense/kernel``), so ``nnx.state(model)`` of this module and of the reference's
``Transformer`` hold the same leaves, and Orbax checkpoints move between them. The semantics
are grokking.cpp's (docs/INTEROP.md): pre-norm RMSNorm (eps 1e-6), RoPE with base 1e6 in the
half-split convention, causal softmax attention, a SiLU-gated FFN of width 4D, no biases,
kernels [in, out], cls (last position) or mean pooling.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
from flax import nnx

RMS_EPS = 1e-6


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """The reference's TransformerConfig fields, plus grokking.cpp's two optional ones."""

    depth: int = 2
    dim: int = 128
    heads: int = 1
    n_tokens: int = 99  # p + 2: the numbers, the op token p and the eq token p + 1
    seq_len: int = 4
    dropout: float = 0.2
    pool: str = "cls"  # "cls" (last position) or "mean"
    n_classes: int | None = None  # None: n_tokens, as the reference's head
    rope_base: float = 1e6

    @property
    def classes(self) -> int:
        return self.n_tokens if self.n_classes is None else self.n_classes

    def reference_dict(self) -> dict:
        """The seven fields the reference's TransformerConfig(**d) accepts; ValueError if
        this config needs the optional ones (the reference cannot express it)."""
        if self.classes != self.n_tokens or self.rope_base != 1e6:
            raise ValueError(
                f"n_classes {self.classes} / rope_base {self.rope_base}: the reference's "
                f"TransformerConfig has n_classes = n_tokens and rope_base = 1e6 only"
            )
        d = dataclasses.asdict(self)
        del d["n_classes"], d["rope_base"]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "ModelConfig":
        """From a metadata.json "config" section (ours or the reference's)."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"config: unknown keys {unknown}")
        return cls(**d)


class RMSNorm(nnx.Module):
    def __init__(self, dim: int):
        self.scale = nnx.Param(jnp.ones((dim,), jnp.float32))

    def __call__(self, x):  # [..., D]
        ms = jnp.mean(jnp.square(x), axis=-1, keepdims=True)
        return x / jnp.sqrt(ms + RMS_EPS) * self.scale.value


def rope(x, base: float):
    """Rotary embedding, half-split: [x1 cos - x2 sin, x1 sin + x2 cos]. x [B,T,H,dh]."""
    t, dh = x.shape[1], x.shape[3]
    half = dh // 2
    theta = base ** (-2.0 * jnp.arange(half, dtype=jnp.float32) / dh)  # [dh/2]
    angle = jnp.arange(t, dtype=jnp.float32)[:, None] * theta[None, :]  # [T, dh/2]
    cos, sin = jnp.cos(angle)[None, :, None, :], jnp.sin(angle)[None, :, None, :]
    x1, x2 = x[..., :half], x[..., half:]
    return jnp.concatenate([x1 * cos - x2 * sin, x1 * sin + x2 * cos], axis=-1)


def _linear(fan_in: int, fan_out: int, rngs: nnx.Rngs) -> nnx.Linear:
    return nnx.Linear(fan_in, fan_out, use_bias=False, rngs=rngs)


def _dropout(rate: float, rngs: nnx.Rngs):
    # As the reference: a Dropout (and its RNG stream) only where the rate is positive.
    return nnx.Dropout(rate=rate, rngs=rngs) if rate > 0 else None


class Attention(nnx.Module):
    """Pre-norm causal self-attention: the reference's block ``layers/{l}/0``."""

    def __init__(self, config: ModelConfig, rngs: nnx.Rngs):
        d = config.dim
        self.heads, self.rope_base = config.heads, config.rope_base
        self.norm = RMSNorm(d)
        self.Wq, self.Wk = _linear(d, d, rngs), _linear(d, d, rngs)
        self.Wv, self.Wo = _linear(d, d, rngs), _linear(d, d, rngs)
        self.dropout = _dropout(config.dropout, rngs)

    def __call__(self, x, training: bool = False):  # x [B,T,D] -> ([B,T,D], probs [B,H,T,T])
        b, t, d = x.shape
        dh = d // self.heads
        xn = self.norm(x)
        split = lambda y: y.reshape(b, t, self.heads, dh)  # noqa: E731
        q = rope(split(self.Wq(xn)), self.rope_base)
        k = rope(split(self.Wk(xn)), self.rope_base)
        v = split(self.Wv(xn))
        scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / jnp.sqrt(jnp.float32(dh))
        causal = jnp.tril(jnp.ones((t, t), bool))
        scores = jnp.where(causal, scores, -jnp.inf)
        probs = jax.nn.softmax(scores, axis=-1)
        out = self.Wo(jnp.einsum("bhqk,bkhd->bqhd", probs, v).reshape(b, t, d))
        if training and self.dropout is not None:
            out = self.dropout(out)
        return out, probs


class FeedForward(nnx.Module):
    """Pre-norm SiLU-gated FFN, SiLU(x W1) * (x W3) W2: the reference's ``layers/{l}/1``."""

    def __init__(self, config: ModelConfig, rngs: nnx.Rngs):
        d, f = config.dim, 4 * config.dim
        self.norm = RMSNorm(d)
        self.w1, self.w2, self.w3 = _linear(d, f, rngs), _linear(f, d, rngs), _linear(d, f, rngs)
        self.dropout = _dropout(config.dropout, rngs)

    def __call__(self, x, training: bool = False):  # [B,T,D]
        xn = self.norm(x)
        g = jax.nn.silu(self.w1(xn)) * self.w3(xn)
        if training and self.dropout is not None:
            g = self.dropout(g)
        return self.w2(g)


class Transformer(nnx.Module):
    """tokens [B,T] int32 -> logits [B,C]; ``return_intermediates`` adds the attention maps and
    the 2L+2 hidden states (embedding, after each attention and FFN, final norm)."""

    def __init__(self, config: ModelConfig, rngs: nnx.Rngs):
        self.config = config
        self.embedding = nnx.Embed(config.n_tokens, config.dim, rngs=rngs)
        self.layers = [
            (Attention(config, rngs), FeedForward(config, rngs)) for _ in range(config.depth)
        ]
        self.final_norm = RMSNorm(config.dim)
        self.output_dense = _linear(config.dim, config.classes, rngs)

    def __call__(self, tokens, training: bool = False, return_intermediates: bool = False):
        h = self.embedding(tokens)
        hidden, maps = [h], []
        for attention, ffn in self.layers:
            a, probs = attention(h, training)
            h = h + a
            hidden.append(h)
            h = h + ffn(h, training)
            hidden.append(h)
            maps.append(probs)
        h = self.final_norm(h)
        hidden.append(h)
        pooled = h[:, -1, :] if self.config.pool == "cls" else jnp.mean(h, axis=1)
        logits = self.output_dense(pooled)
        if return_intermediates:
            return logits, {"attentions": maps, "hidden_states": hidden, "pooled": pooled}
        return logits
