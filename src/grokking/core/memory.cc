#include "grokking/core/memory.h"

#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>

namespace grok {
namespace {

// Reads a "Key:   1234 kB" line of /proc/self/status; -1 if absent.
int64_t proc_status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0 || line.size() <= key.size() ||
        line[key.size()] != ':')
      continue;
    std::istringstream fields(line.substr(key.size() + 1));
    int64_t kib = -1;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB") return kib;
    return -1;
  }
  return -1;
}

}  // namespace

int64_t peak_rss_bytes() {
  const int64_t kib = proc_status_kib("VmHWM");
  if (kib >= 0) return kib * 1024;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0)
    return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // ru_maxrss is in KiB on Linux
  return -1;
}

int64_t current_rss_bytes() {
  const int64_t kib = proc_status_kib("VmRSS");
  return kib >= 0 ? kib * 1024 : -1;
}

}  // namespace grok
