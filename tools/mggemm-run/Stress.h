//===- Stress.h - many random launches, on several threads ----------------===//
//
// mggemm-run --stress N: N random cases over every variant and dtype, G up
// to --max-groups, group sizes that are valid, skewed, or invalid (negative,
// adding up past M, with entries past G), on --threads host threads with a
// stream each. Every case is launched twice into separate buffers; both
// results must be bitwise equal, match the fp32 reference (for invalid sizes,
// that of the sizes as the kernels clamp them), and leave the guard bands
// around every tensor and the rows past the last group untouched.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_STRESS_H
#define MGGEMM_TOOLS_MGGEMMRUN_STRESS_H

#include "Options.h"

namespace mggemm::run {

/// Runs the stress cases `o` asks for; returns mggemm-run's exit status.
int runStress(const Options &o);

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_STRESS_H
