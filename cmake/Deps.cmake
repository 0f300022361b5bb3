# Every third-party dependency, found the way Debian 12 packages it.
# Most packages ship no CMake config, so pkg-config imported targets are used for those.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(FASTTEXT REQUIRED IMPORTED_TARGET fasttext)
# cpp-httplib is a compiled split build: its pkg-config flags must be used (ABI-relevant defines).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(SQLiteCpp REQUIRED)
# PostgreSQL client for the store's postgres backend (libpqxx 6.4: no CMake config).
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# SHA-256 of the audit chain.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

# LIBLINEAR ships a header, a static and a shared library but neither CMake config nor .pc file.
# The shared library is used because the static one leaves its BLAS symbols unresolved.
find_path(LIBLINEAR_INCLUDE_DIR linear.h REQUIRED)
find_library(LIBLINEAR_LIBRARY NAMES liblinear.so linear REQUIRED)
add_library(liblinear::liblinear UNKNOWN IMPORTED)
set_target_properties(liblinear::liblinear PROPERTIES
  IMPORTED_LOCATION "${LIBLINEAR_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${LIBLINEAR_INCLUDE_DIR}")

# libstemmer (Snowball stemmers for knowledge search): header and library, no .pc file.
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY NAMES stemmer REQUIRED)
add_library(libstemmer::libstemmer UNKNOWN IMPORTED)
set_target_properties(libstemmer::libstemmer PROPERTIES
  IMPORTED_LOCATION "${STEMMER_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${STEMMER_INCLUDE_DIR}")

if(AUTOTRIAGE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
