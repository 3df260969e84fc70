// The subcommands of the grokking program: one cmd_<verb>.cc each, thin over the library.
// Each takes argv with argv[0] = the verb and returns the process exit code; errors are
// thrown as grok::Error / grok::UsageError and mapped to exit codes by main().
#pragma once

namespace grok::cli {

int cmd_train(int argc, const char* const* argv);
int cmd_distill(int argc, const char* const* argv);
int cmd_teacher_logits(int argc, const char* const* argv);
int cmd_experiment(int argc, const char* const* argv);
int cmd_data(int argc, const char* const* argv);
int cmd_inspect(int argc, const char* const* argv);
int cmd_analyze(int argc, const char* const* argv);
int cmd_predict(int argc, const char* const* argv);
int cmd_plot(int argc, const char* const* argv);
int cmd_report(int argc, const char* const* argv);

}  // namespace grok::cli
