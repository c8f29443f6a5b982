#include "cli/run.hpp"

int main(int argc, char** argv) {
  return slatrack::cli::run(argc, argv);
}
