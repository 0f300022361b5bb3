# Writes a .cc file holding the dashboard's static assets as string constants, so the binary
# serves them without any file next to it and without a front-end build step.
# Usage: cmake -DINPUT_DIR=<assets folder> -DOUTPUT=<cc> -P embed_assets.cmake
# Each Function=file below becomes `std::string_view Function()` in namespace
# autotriage::dashboard (declared in assets.h).
set(ASSETS
  "AppCss=${INPUT_DIR}/app.css"
  "AppJs=${INPUT_DIR}/app.js"
  "OpenApiJson=${INPUT_DIR}/openapi.json")
set(delimiter "at_asset")
set(body "")
foreach(asset IN LISTS ASSETS)
  string(FIND "${asset}" "=" split)
  string(SUBSTRING "${asset}" 0 ${split} function)
  math(EXPR start "${split} + 1")
  string(SUBSTRING "${asset}" ${start} -1 path)
  file(READ "${path}" content)
  string(FIND "${content}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the raw-string delimiter )${delimiter}\"")
  endif()
  string(APPEND body
    "std::string_view ${function}() {\n"
    "  static constexpr char kText[] = R\"${delimiter}(${content})${delimiter}\";\n"
    "  return {kText, sizeof(kText) - 1};\n"
    "}\n\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from src/autotriage/dashboard/assets/ by embed_assets.cmake. Do not edit.\n"
  "#include \"autotriage/dashboard/assets.h\"\n\n"
  "namespace autotriage::dashboard {\n\n"
  "${body}"
  "}  // namespace autotriage::dashboard\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
