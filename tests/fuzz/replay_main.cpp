// A main for a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput once on every file
// given, or on every file of each directory given (its corpus, tests/fuzz/<target>/). CMake
// builds each target with it, so that ctest (and the sanitizer run of CI) checks the target's
// properties on the corpus, findings included, with g++; scripts/fuzz does the fuzzing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      for (const std::filesystem::directory_entry& entry :
           std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) {
          files.push_back(entry.path());
        }
      }
    } else {
      files.push_back(path);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s FILE|DIR...: no input files given\n", argv[0]);
    return 2;
  }
  for (const std::filesystem::path& file : files) {
    // Exactly the input's bytes in their own allocation, so that reading past the end is an ASan
    // error.
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::filesystem::file_size(file)));
    std::FILE* in = std::fopen(file.c_str(), "rb");
    const bool read =
        in != nullptr && std::fread(bytes.data(), 1, bytes.size(), in) == bytes.size();
    if (in != nullptr) {
      std::fclose(in);
    }
    if (!read) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return 2;
    }
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("%zu inputs ran\n", files.size());
  return 0;
}
