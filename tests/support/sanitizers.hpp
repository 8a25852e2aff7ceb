// Which sanitizer a test binary is built with, for the few checks a sanitizer makes meaningless
// (AddressSanitizer intercepts mlock as a no-op that succeeds, and measures memory its own way).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define PSEPHOS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PSEPHOS_UNDER_ASAN 1
#endif
#endif
