//===- Json.h - a minimal JSON writer for mggemm-run's results ------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_JSON_H
#define MGGEMM_TOOLS_MGGEMMRUN_JSON_H

#include <cstdint>
#include <string>
#include <vector>

namespace mggemm::run {

/// Builds one JSON document. Keys are written in the order they are added;
/// callers nest with beginObject/endObject and beginArray/endArray.
class JsonWriter {
public:
  JsonWriter &beginObject(const char *key = nullptr);
  JsonWriter &endObject();
  JsonWriter &beginArray(const char *key);
  JsonWriter &endArray();
  JsonWriter &value(const char *key, const std::string &text);
  JsonWriter &value(const char *key, const char *text);
  JsonWriter &value(const char *key, int64_t number);
  JsonWriter &value(const char *key, double number); // NaN/inf become null
  JsonWriter &value(const char *key, bool flag);
  JsonWriter &null(const char *key);
  JsonWriter &element(int64_t number);
  const std::string &text() const { return out; }
  /// Writes the document (and a newline) to `path`; false on failure.
  bool writeTo(const std::string &path) const;

private:
  void key(const char *name);
  std::string out;
  std::vector<bool> first; // per open scope: no element written yet
};

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_JSON_H
