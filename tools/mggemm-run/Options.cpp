//===- Options.cpp - mggemm-run's command line ----------------------------===//

#include "Options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace mggemm::run;

const char *mggemm::run::variantName(Variant variant) {
  switch (variant) {
  case Variant::Forward:
    return "forward";
  case Variant::GradInput:
    return "grad_input";
  case Variant::GradWeight:
    return "grad_weight";
  case Variant::Backward:
    return "backward";
  }
  return "?";
}

const char *mggemm::run::splitName(Split split) {
  switch (split) {
  case Split::Balanced:
    return "balanced";
  case Split::Imbalanced:
    return "imbalanced";
  case Split::Random:
    return "random";
  case Split::Explicit:
    return "explicit";
  }
  return "?";
}

static const char *const kUsage =
    "usage: mggemm-run [options]\n"
    "Runs one grouped GEMM through libmggemm_runtime.so on the GPU, checks it\n"
    "against an fp32 reference and/or times it.\n"
    "\n"
    "  --variant forward|grad_input|grad_weight|backward   (forward)\n"
    "  --groups G --m M --n N --k K       the problem (8, 4096, 2048, 7168)\n"
    "  --sizes 0,17,...                   explicit group sizes (sets G; M is\n"
    "                                     their sum unless --m is given;\n"
    "                                     negative sizes and sums past M test\n"
    "                                     how the kernels clamp them)\n"
    "  --split balanced|imbalanced|random how M is cut into G groups\n"
    "  --random-shape                     pick G, M, N, K and sizes from "
    "--seed\n"
    "  --dtype bf16|f16|e4m3|e4m3_block|e4m3_fast\n"
    "                                     (bf16; e4m3: fp8 operands with\n"
    "                                     random f32 row scales, forward\n"
    "                                     or grad_weight (dY and X\n"
    "                                     transposed, M a multiple of 16);\n"
    "                                     e4m3_block: forward with 1x128\n"
    "                                     and 128x128 block scales;\n"
    "                                     e4m3_fast: row scales, summed in\n"
    "                                     the tensor cores over all of K)\n"
    "  --seed S                           data and split seed (0)\n"
    "  --nonnegative                      operands drawn from [0, s), not\n"
    "                                     [-s, s): sums without cancellation\n"
    "                                     (where fp8 accumulation loses\n"
    "                                     precision)\n"
    "  --check                            compare with the fp32 reference\n"
    "                                     (the default without --bench)\n"
    "  --tol T                            relative error bound (1e-2)\n"
    "  --bench                            time the launches\n"
    "  --iters N --warmup N               timed and untimed launches (50, "
    "10)\n"
    "  --check-sizes                      turn on the runtime's checked mode\n"
    "  --expect-status NAME               pass iff the runtime returns NAME\n"
    "                                     (success, invalid_value, "
    "unsupported,\n"
    "                                     no_device, cuda, bad_sizes); "
    "outputs\n"
    "                                     must then be left untouched\n"
    "  --json FILE                        write the results as JSON\n"
    "  --list                             list the kernels the runtime "
    "embeds\n"
    "  --verbose                          print all group sizes\n"
    "  --tile MxNxKsScC                   use that library kernel (e.g.\n"
    "                                     128x256x64s4c2; cC optional) for\n"
    "                                     every product (tuning)\n"
    "  --stress N                         run N random cases instead: every\n"
    "                                     variant, G up to --max-groups, odd\n"
    "                                     N and K, sizes with zeros, negative\n"
    "                                     values, sums past M and entries "
    "past\n"
    "                                     G; each launched twice (bitwise\n"
    "                                     equal), checked against the\n"
    "                                     reference and for guard-band writes\n"
    "  --threads T                        stress cases on T host threads, one\n"
    "                                     stream each (1)\n"
    "  --max-groups G                     largest G of --stress (1024)\n"
    "Exit status: 0 pass, 1 a check failed, 2 usage error, 3 runtime or CUDA\n"
    "error, 4 skipped (the problem does not fit in GPU memory).\n";

namespace {

bool parseInt(const char *text, int64_t &out) {
  if (!text || !*text)
    return false;
  errno = 0;
  char *end = nullptr;
  long long value = strtoll(text, &end, 0);
  if (errno || *end)
    return false;
  out = value;
  return true;
}

bool parseList(const char *text, std::vector<int64_t> &out) {
  out.clear();
  if (!text || !*text)
    return false;
  const char *p = text;
  while (true) {
    errno = 0;
    char *end = nullptr;
    long long value = strtoll(p, &end, 10);
    if (errno || end == p)
      return false;
    out.push_back(value);
    if (*end == '\0')
      return true;
    if (*end != ',')
      return false;
    p = end + 1;
  }
}

bool parseStatus(const char *text, mggemmStatus &out) {
  static const struct {
    const char *name;
    mggemmStatus status;
  } names[] = {
      {"success", MGGEMM_SUCCESS},
      {"invalid_value", MGGEMM_ERROR_INVALID_VALUE},
      {"unsupported", MGGEMM_ERROR_UNSUPPORTED},
      {"no_device", MGGEMM_ERROR_NO_DEVICE},
      {"cuda", MGGEMM_ERROR_CUDA},
      {"bad_sizes", MGGEMM_ERROR_BAD_SIZES},
  };
  for (const auto &n : names)
    if (!strcmp(text, n.name)) {
      out = n.status;
      return true;
    }
  return false;
}

} // namespace

bool mggemm::run::parseOptions(int argc, char **argv, Options &o,
                               bool &exitNow) {
  exitNow = false;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    // Options that take a value accept "--opt value" and "--opt=value".
    const char *value = nullptr;
    char name[64];
    const char *eq = strchr(arg, '=');
    if (eq && (size_t)(eq - arg) < sizeof(name)) {
      memcpy(name, arg, eq - arg);
      name[eq - arg] = '\0';
      value = eq + 1;
    } else {
      snprintf(name, sizeof(name), "%s", arg);
    }
    auto takeValue = [&]() -> const char * {
      if (value)
        return value;
      if (i + 1 < argc)
        return argv[++i];
      fprintf(stderr, "mggemm-run: %s needs a value\n", name);
      return nullptr;
    };
    auto intOption = [&](int64_t &out, int64_t minimum) {
      const char *v = takeValue();
      if (!v)
        return false;
      if (!parseInt(v, out) || out < minimum) {
        fprintf(stderr, "mggemm-run: %s %s: expected an integer >= %lld\n",
                name, v, (long long)minimum);
        return false;
      }
      return true;
    };

    if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
      fputs(kUsage, stdout);
      exitNow = true;
      return true;
    }
    if (!strcmp(name, "--variant")) {
      const char *v = takeValue();
      if (!v)
        return false;
      if (!strcmp(v, "forward"))
        o.variant = Variant::Forward;
      else if (!strcmp(v, "grad_input"))
        o.variant = Variant::GradInput;
      else if (!strcmp(v, "grad_weight"))
        o.variant = Variant::GradWeight;
      else if (!strcmp(v, "backward"))
        o.variant = Variant::Backward;
      else {
        fprintf(stderr, "mggemm-run: unknown variant '%s'\n", v);
        return false;
      }
    } else if (!strcmp(name, "--dtype")) {
      const char *v = takeValue();
      if (!v)
        return false;
      // The names are mggemmDtypeName's.
      int dtype = 0;
      while (dtype < MGGEMM_DTYPE_COUNT &&
             strcmp(v, mggemmDtypeName((mggemmDtype)dtype)))
        ++dtype;
      if (dtype == MGGEMM_DTYPE_COUNT) {
        fprintf(stderr, "mggemm-run: unknown dtype '%s'\n", v);
        return false;
      }
      o.dtype = (mggemmDtype)dtype;
    } else if (!strcmp(name, "--groups")) {
      if (!intOption(o.groups, 1))
        return false;
    } else if (!strcmp(name, "--m")) {
      if (!intOption(o.m, 0))
        return false;
    } else if (!strcmp(name, "--n")) {
      if (!intOption(o.n, 1))
        return false;
    } else if (!strcmp(name, "--k")) {
      if (!intOption(o.k, 1))
        return false;
    } else if (!strcmp(name, "--sizes")) {
      const char *v = takeValue();
      if (!v)
        return false;
      if (!parseList(v, o.sizes)) {
        fprintf(stderr,
                "mggemm-run: --sizes %s: expected integers separated by "
                "commas\n",
                v);
        return false;
      }
      o.split = Split::Explicit;
    } else if (!strcmp(name, "--split")) {
      const char *v = takeValue();
      if (!v)
        return false;
      if (!strcmp(v, "balanced"))
        o.split = Split::Balanced;
      else if (!strcmp(v, "imbalanced"))
        o.split = Split::Imbalanced;
      else if (!strcmp(v, "random"))
        o.split = Split::Random;
      else {
        fprintf(stderr, "mggemm-run: unknown split '%s'\n", v);
        return false;
      }
    } else if (!strcmp(name, "--seed")) {
      int64_t seed;
      if (!intOption(seed, 0))
        return false;
      o.seed = (uint64_t)seed;
    } else if (!strcmp(name, "--iters")) {
      int64_t n;
      if (!intOption(n, 1))
        return false;
      o.iters = (int)n;
    } else if (!strcmp(name, "--warmup")) {
      int64_t n;
      if (!intOption(n, 0))
        return false;
      o.warmup = (int)n;
    } else if (!strcmp(name, "--tol")) {
      const char *v = takeValue();
      if (!v)
        return false;
      char *end = nullptr;
      o.tolerance = strtod(v, &end);
      if (*end || !(o.tolerance > 0)) {
        fprintf(stderr, "mggemm-run: --tol %s: expected a positive number\n",
                v);
        return false;
      }
    } else if (!strcmp(name, "--json")) {
      const char *v = takeValue();
      if (!v)
        return false;
      o.jsonPath = v;
    } else if (!strcmp(name, "--expect-status")) {
      const char *v = takeValue();
      if (!v)
        return false;
      if (!parseStatus(v, o.expectStatus)) {
        fprintf(stderr, "mggemm-run: unknown status '%s'\n", v);
        return false;
      }
      o.expectStatusGiven = true;
    } else if (!strcmp(name, "--tile")) {
      const char *text = takeValue();
      if (!text)
        return false;
      const char *v = text;
      mggemmTileConfig &t = o.tile;
      int end = 0;
      t.cluster = 1;
      bool ok =
          sscanf(v, "%dx%dx%ds%d%n", &t.m, &t.n, &t.k, &t.stages, &end) == 4;
      if (ok && v[end] == 'c') {
        const char *rest = v + end;
        ok = sscanf(rest, "c%d%n", &t.cluster, &end) == 1;
        v = rest; // `end` now counts from here
      }
      ok = ok && v[end] == '\0';
      if (!ok || t.m <= 0 || t.n <= 0 || t.k <= 0 || t.stages <= 0 ||
          t.cluster <= 0) {
        fprintf(stderr,
                "mggemm-run: --tile %s: expected MxNxKsS or MxNxKsScC, e.g. "
                "128x256x64s4c2\n",
                text);
        return false;
      }
      o.tileGiven = true;
    } else if (!strcmp(name, "--stress")) {
      if (!intOption(o.stressCases, 1))
        return false;
    } else if (!strcmp(name, "--threads")) {
      if (!intOption(o.threads, 1))
        return false;
    } else if (!strcmp(name, "--max-groups")) {
      if (!intOption(o.maxGroups, 1))
        return false;
    } else if (!strcmp(name, "--check")) {
      o.check = true;
    } else if (!strcmp(name, "--bench")) {
      o.bench = true;
    } else if (!strcmp(name, "--check-sizes")) {
      o.checkSizes = true;
    } else if (!strcmp(name, "--random-shape")) {
      o.randomShape = true;
    } else if (!strcmp(name, "--nonnegative")) {
      o.nonNegative = true;
    } else if (!strcmp(name, "--list")) {
      o.list = true;
    } else if (!strcmp(name, "--verbose")) {
      o.verbose = true;
    } else {
      fprintf(stderr, "mggemm-run: unknown option '%s'\n%s", arg, kUsage);
      return false;
    }
  }
  bool fp8GradWeight =
      o.variant == Variant::GradWeight && mggemmDtypeIsRowScaled(o.dtype);
  if (mggemmDtypeIsScaled(o.dtype) && o.variant != Variant::Forward &&
      !fp8GradWeight) {
    fprintf(stderr,
            "mggemm-run: --dtype %s runs --variant forward%s only (the fp8 "
            "input gradient is a forward product on the transposed weight)\n",
            mggemmDtypeName(o.dtype),
            mggemmDtypeIsRowScaled(o.dtype) ? " or grad_weight" : "");
    return false;
  }
  if (!o.bench)
    o.check = true;
  return true;
}
