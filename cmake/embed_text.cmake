# Turns a text file into a C++ function returning it (a raw string literal), so a page ships
# inside the binary. Run as:
#   cmake -DINPUT=page.html -DOUTPUT=page.cpp -DHEADER=dir/page.h -DNAMESPACE=ns -DFUNCTION=name -P embed_text.cmake
file(READ "${INPUT}" content)
string(FIND "${content}" ")onboard_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )onboard_embed\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/embed_text.cmake: do not edit.\n"
  "#include \"${HEADER}\"\n\n"
  "namespace ${NAMESPACE} {\n\n"
  "std::string_view ${FUNCTION}() {\n"
  "  static constexpr char kText[] = R\"onboard_embed(${content})onboard_embed\";\n"
  "  return {kText, sizeof kText - 1};\n"
  "}\n\n"
  "}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
