#include "grokking/analysis/grid_fourier.h"

#include <fmt/format.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "grokking/core/error.h"
#include "grokking/model/transformer.h"

namespace grok {

FourierSpectrum grid_fourier(const double* x, int dim, const FourierGroup& group, double key_sd) {
  const int n = group.order, half = group.frequency_count();
  GROK_CHECK(n >= 1 && dim > 0, "group order {}, dim {}", n, dim);
  std::vector<std::complex<double>> w(n);  // w[m] = e^{−2πi m/n}
  for (int m = 0; m < n; ++m) w[m] = std::polar(1.0, -2 * std::numbers::pi * m / n);
  // g[k1][j][d] = Σ_i x[i,j,d] w^{k1·i}, k1 = 0..half.
  const int64_t plane = int64_t{n} * dim;
  std::vector<std::complex<double>> g((half + 1) * plane);
  for (int k1 = 0; k1 <= half; ++k1)
    for (int i = 0; i < n; ++i) {
      const std::complex<double> twiddle = w[(int64_t{k1} * i) % n];
      const double* row = x + i * plane;
      std::complex<double>* out = g.data() + k1 * plane;
      for (int64_t jd = 0; jd < plane; ++jd) out[jd] += twiddle * row[jd];
    }
  // F(k1, k2)·power summed over D.
  auto power = [&](int k1, int k2) {
    double sum = 0;
    for (int d = 0; d < dim; ++d) {
      std::complex<double> f = 0;
      for (int j = 0; j < n; ++j)
        f += g[k1 * plane + int64_t{j} * dim + d] * w[((int64_t{k2} * j) % n + n) % n];
      sum += std::norm(f);
    }
    return sum;
  };
  std::vector<double> norm;
  for (int k = 1; k <= half; ++k) {
    double p2 = power(k, 0) + power(0, k) + power(k, k);
    if (2 * k != n) p2 += power(k, n - k);
    norm.push_back(std::sqrt(p2));
  }
  FourierSpectrum s = summarize_spectrum(std::move(norm), key_sd);
  s.basis = group.basis;
  s.generator = group.generator;
  s.order = n;
  return s;
}

std::vector<NamedSpectrum> sublayer_spectra(const LoadedModel& model, const FourierGroup& group,
                                            double key_sd) {
  const ModelConfig& c = model.config;
  const int n = group.order, p = group.p, t = c.seq_len, dim = c.dim;
  GROK_CHECK(t == 4 && c.vocab_size >= p + 2, "seq_len {}, vocabulary {}", t, c.vocab_size);
  const int chunk = n;  // one row of the grid (fixed a) per forward
  Transformer<float> net(c, chunk);
  const int states = c.hidden_state_count();
  // readout[s][i,j,:] for hidden states s = 0..2L.
  std::vector<std::vector<double>> readout(states - 1, std::vector<double>(int64_t{n} * n * dim));
  std::vector<int32_t> tokens(int64_t{chunk} * t);
  ForwardOptions full;
  full.last_layer = LastLayer::kFull;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      int32_t* row = tokens.data() + int64_t{j} * t;
      row[0] = group.element[i];
      row[1] = p;
      row[2] = group.element[j];
      row[3] = p + 1;
    }
    net.forward(model.params.data(), tokens.data(), chunk, full);
    for (int s = 0; s + 1 < states; ++s) {
      const float* h = net.hidden_state(s);  // [chunk,T,D]
      for (int j = 0; j < n; ++j)
        for (int d = 0; d < dim; ++d) {
          double v = 0;
          if (c.pool == Pool::kCls) {
            v = h[(int64_t{j} * t + t - 1) * dim + d];
          } else {
            for (int q = 0; q < t; ++q) v += h[(int64_t{j} * t + q) * dim + d];
            v /= t;
          }
          readout[s][(int64_t{i} * n + j) * dim + d] = v;
        }
    }
  }
  std::vector<NamedSpectrum> out;
  std::vector<double> diff(int64_t{n} * n * dim);
  for (int s = 1; s + 1 < states; ++s) {
    for (std::size_t e = 0; e < diff.size(); ++e) diff[e] = readout[s][e] - readout[s - 1][e];
    const std::string kind = s % 2 == 1 ? "attention_output" : "mlp_output";
    out.push_back({fmt::format("layer{}.{}", (s + 1) / 2, kind),
                   grid_fourier(diff.data(), dim, group, key_sd)});
  }
  return out;
}

}  // namespace grok
