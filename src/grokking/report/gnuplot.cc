#include "grokking/report/gnuplot.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/report/plot_style.h"
#include "grokking/train/stop_signal.h"

namespace grok {
namespace fs = std::filesystem;

fs::path find_gnuplot() {
  if (const char* forced = std::getenv("GROK_GNUPLOT"); forced != nullptr && *forced != '\0') {
    if (::access(forced, X_OK) != 0)
      throw Error(fmt::format("GROK_GNUPLOT={}: not an executable file", forced));
    return forced;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw Error(
      "gnuplot not found on PATH; figures are drawn by gnuplot: install the Debian package "
      "gnuplot-nox (scripts/install-deps.sh lists it) or set GROK_GNUPLOT to the program");
}

std::string gnuplot_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string figure_script(const std::string& stem, const std::string& description,
                          const std::string& body, FigureSize size) {
  std::string script = fmt::format(
      "# {}\n"
      "# Written by grokking; re-run in this directory with `gnuplot {}.gp` to rewrite\n"
      "# {}.png and {}.svg after editing (data: the .dat files named below).\n",
      description, stem, stem, stem);
  script += fmt::format(
      "do for [format in \"png svg\"] {{\n"
      "  if (format eq \"png\") {{\n"
      "    set terminal pngcairo size {},{} font \"{},{}\" noenhanced\n"
      "  }} else {{\n"
      "    set terminal svg size {},{} font \"{},{}\" noenhanced background \"white\"\n"
      "  }}\n"
      "  set output {} . format\n"
      "  reset\n",
      size.width, size.height, kPlotFont, kPlotFontSize, size.width, size.height, kPlotFont,
      kPlotFontSize, gnuplot_string(stem + "."));
  script += plot_common_settings();
  script += body;
  if (!body.empty() && body.back() != '\n') script += '\n';
  script += "  unset output\n}\n";
  return script;
}

namespace {

// Runs `program script` with `dir` as working directory; stdout and stderr go to `log`.
// Returns the wait status.
int run_in_dir(const fs::path& program, const fs::path& dir, const std::string& script,
               const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(fmt::format("fork for gnuplot failed: {}", std::strerror(errno)));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    unblock_stop_signals();  // this program receives them on a thread of its own
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(126);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
    const char* argv[] = {"gnuplot", script.c_str(), nullptr};
    ::execv(program.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(fmt::format("waiting for gnuplot: {}", std::strerror(errno)));
  }
  return status;
}

}  // namespace

void render_figure(const fs::path& dir, const std::string& stem, const std::string& description,
                   const std::string& body, FigureSize size) {
  const fs::path program = find_gnuplot();
  fs::create_directories(dir);
  const std::string script_name = stem + ".gp";
  write_file_atomic(dir / script_name, figure_script(stem, description, body, size));
  const fs::path log = dir / (".gnuplot-" + stem + ".log");
  const fs::path abs_dir = fs::absolute(dir);
  for (const char* ext : {".png", ".svg"}) fs::remove(dir / (stem + ext));
  const int status = run_in_dir(program, abs_dir, script_name, fs::absolute(log));
  std::string messages;
  if (fs::exists(log)) {
    messages = read_file(log);
    fs::remove(log);
  }
  while (!messages.empty() && (messages.back() == '\n' || messages.back() == ' '))
    messages.pop_back();
  const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok) {
    const std::string how = WIFEXITED(status)
                                ? fmt::format("exited {}", WEXITSTATUS(status))
                                : fmt::format("was killed by signal {}", WTERMSIG(status));
    throw Error(fmt::format("gnuplot {} on {}{}{}", how, (dir / script_name).string(),
                            messages.empty() ? "" : ": ", messages));
  }
  for (const char* ext : {".png", ".svg"}) {
    const fs::path image = dir / (stem + ext);
    if (!fs::exists(image) || fs::file_size(image) == 0)
      throw Error(fmt::format("gnuplot ran {} but wrote no {}{}{}", (dir / script_name).string(),
                              image.string(), messages.empty() ? "" : ": ", messages));
  }
}

}  // namespace grok
