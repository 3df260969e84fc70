// Process memory usage for reports (summary.json, PERFORMANCE.md): the resident set size
// now and its peak, in bytes, as Linux reports them. Not an allocator and not a tracker of
// the project's own buffers.
#pragma once

#include <cstdint>

namespace grok {

// Peak resident set size of this process since it started (VmHWM; getrusage ru_maxrss as
// a fallback). -1 if neither is available.
int64_t peak_rss_bytes();

// Current resident set size (VmRSS from /proc/self/status). -1 if unavailable.
int64_t current_rss_bytes();

}  // namespace grok
