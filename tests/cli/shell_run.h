// Test-only: runs one shell command line (the CLI tests' way of running the real autotriage
// binary) and collects its exit code, its standard output and, when the command line sent
// standard error to `err_file`, that file's contents.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace autotriage::testing {

struct ShellRun {
  int exit_code = -1;  // -1: the command could not be started or did not exit normally
  std::string out;     // standard output
  std::string err;     // the contents of err_file ("" without one)
};

inline ShellRun RunShell(const std::string& command,
                         const std::filesystem::path& err_file = std::filesystem::path()) {
  ShellRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return run;
  }
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    run.out.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!err_file.empty()) {
    std::ifstream file(err_file, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    run.err = text.str();
  }
  return run;
}

}  // namespace autotriage::testing
