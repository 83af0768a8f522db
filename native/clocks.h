// Clocks the send path and the bindings read: monotonic and wall time in milliseconds, and
// the calling thread's own CPU time.
#pragma once

namespace stresshm {

double MonoMs();
double ThreadCpuSeconds();  // CPU time of the calling thread
double EpochMs();

}  // namespace stresshm
