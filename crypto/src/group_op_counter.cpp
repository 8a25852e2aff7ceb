// Thread-local group operation counters (see group_op_counter.hpp for why they exist).
#include "group_op_counter_internal.hpp"

namespace psephos::crypto {

namespace detail {
GroupOpCounts& thread_group_op_counts() {
    thread_local GroupOpCounts counts;
    return counts;
}
}  // namespace detail

GroupOpCounts current_thread_group_op_counts() { return detail::thread_group_op_counts(); }

}  // namespace psephos::crypto
