//===- Json.cpp - a minimal JSON writer for mggemm-run's results ----------===//

#include "Json.h"

#include <cmath>
#include <cstdio>

using namespace mggemm::run;

static void appendQuoted(std::string &out, const char *text) {
  out += '"';
  for (const char *p = text; *p; ++p) {
    unsigned char c = (unsigned char)*p;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += (char)c;
    } else if (c < 0x20) {
      char escaped[8];
      snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += (char)c;
    }
  }
  out += '"';
}

void JsonWriter::key(const char *name) {
  if (!first.empty()) {
    if (!first.back())
      out += ", ";
    first.back() = false;
  }
  if (name) {
    appendQuoted(out, name);
    out += ": ";
  }
}

JsonWriter &JsonWriter::beginObject(const char *name) {
  key(name);
  out += '{';
  first.push_back(true);
  return *this;
}

JsonWriter &JsonWriter::endObject() {
  out += '}';
  first.pop_back();
  return *this;
}

JsonWriter &JsonWriter::beginArray(const char *name) {
  key(name);
  out += '[';
  first.push_back(true);
  return *this;
}

JsonWriter &JsonWriter::endArray() {
  out += ']';
  first.pop_back();
  return *this;
}

JsonWriter &JsonWriter::value(const char *name, const std::string &text) {
  return value(name, text.c_str());
}

JsonWriter &JsonWriter::value(const char *name, const char *text) {
  key(name);
  appendQuoted(out, text);
  return *this;
}

JsonWriter &JsonWriter::value(const char *name, int64_t number) {
  key(name);
  out += std::to_string(number);
  return *this;
}

JsonWriter &JsonWriter::value(const char *name, double number) {
  key(name);
  if (!std::isfinite(number)) {
    out += "null";
    return *this;
  }
  char text[32];
  snprintf(text, sizeof(text), "%.9g", number);
  out += text;
  return *this;
}

JsonWriter &JsonWriter::value(const char *name, bool flag) {
  key(name);
  out += flag ? "true" : "false";
  return *this;
}

JsonWriter &JsonWriter::null(const char *name) {
  key(name);
  out += "null";
  return *this;
}

JsonWriter &JsonWriter::element(int64_t number) {
  key(nullptr);
  out += std::to_string(number);
  return *this;
}

bool JsonWriter::writeTo(const std::string &path) const {
  FILE *file = fopen(path.c_str(), "w");
  if (!file)
    return false;
  bool ok = fwrite(out.data(), 1, out.size(), file) == out.size() &&
            fputc('\n', file) != EOF;
  return fclose(file) == 0 && ok;
}
