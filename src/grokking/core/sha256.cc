#include "grokking/core/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "grokking/core/error.h"

namespace grok {
namespace {

struct MdContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdContext = std::unique_ptr<EVP_MD_CTX, MdContextDeleter>;

MdContext new_sha256_context() {
  MdContext ctx(EVP_MD_CTX_new());
  GROK_CHECK(ctx != nullptr, "EVP_MD_CTX_new failed");
  GROK_CHECK(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1);
  return ctx;
}

std::string finish_hex(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  GROK_CHECK(EVP_DigestFinal_ex(ctx, digest, &length) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  const MdContext ctx = new_sha256_context();
  GROK_CHECK(EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1);
  return finish_hex(ctx.get());
}

std::string sha256_file_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  const MdContext ctx = new_sha256_context();
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > 0) GROK_CHECK(EVP_DigestUpdate(ctx.get(), buffer, n) == 1);
  }
  if (in.bad()) throw Error(fmt::format("cannot read {}: I/O error", path.string()));
  return finish_hex(ctx.get());
}

}  // namespace grok
