// Secrets in memory (memory_protection.hpp): core dumps turned off, the wipes of standard
// containers, and memory locking that survives a refusal by RLIMIT_MEMLOCK with one warning. The
// process-wide settings are changed in forked children, so the test process itself keeps its own.
#include <linux/capability.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTest>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "locked_memory.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/locked_scalar.hpp"
#include "psephos/crypto/memory_protection.hpp"
#include "psephos/crypto/precomputed_selection.hpp"
#include "psephos/crypto/scalar.hpp"
#include "sanitizers.hpp"

namespace crypto = psephos::crypto;
using psephos::test::all_zero;
using psephos::test::in_child;
using psephos::test::locked_kib_of_mapping;

// AddressSanitizer intercepts mlock and munlock as no-ops that succeed (sanitizers.hpp): under it
// a lock can be neither refused nor seen in VmLck, so the tests of locking skip there.
namespace {

// Root (CAP_IPC_LOCK) may lock past RLIMIT_MEMLOCK; a kiosk service does not run with it.
bool drop_ipc_lock_capability() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    std::array<__user_cap_data_struct, 2> data{};
    if (::syscall(SYS_capget, &header, data.data()) != 0) return false;
    data[0].effective &= ~(1U << CAP_IPC_LOCK);
    return ::syscall(SYS_capset, &header, data.data()) == 0;
}

// VmLck of this process, in KiB (/proc/self/status).
std::size_t locked_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmLck:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

}  // namespace

class TestMemoryProtection : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void disable_core_dumps_sets_limit_zero_and_not_dumpable() {
        const int status = in_child([] {
            // Start from what a shell with `ulimit -c unlimited` would give.
            rlimit limit{};
            ::getrlimit(RLIMIT_CORE, &limit);
            limit.rlim_cur = limit.rlim_max;
            ::setrlimit(RLIMIT_CORE, &limit);
            if (limit.rlim_cur == 0 || ::prctl(PR_GET_DUMPABLE) != 1) return 2;  // no baseline
            if (!crypto::disable_core_dumps().ok()) return 3;
            ::getrlimit(RLIMIT_CORE, &limit);
            if (limit.rlim_cur != 0) return 4;
            if (limit.rlim_max != 0) return 5;  // the hard limit too: no child can raise it again
            if (::prctl(PR_GET_DUMPABLE) != 0) return 6;
            return 0;
        });
        QCOMPARE(status, 0);
    }

    void wipe_zeroes_a_long_string_whole_capacity() {
        std::string text(100, 'x');
        text.reserve(200);
        const char* data = text.data();
        const std::size_t capacity = text.capacity();
        crypto::wipe(text);
        QVERIFY(text.empty());
        QCOMPARE(text.data(), data);  // the same buffer, not a fresh one
        QVERIFY(all_zero(data, capacity));
    }

    void wipe_zeroes_a_short_string_inline_buffer() {
        std::string text = "mayor-1";  // fits the small-string buffer
        const char* data = text.data();
        const std::size_t capacity = text.capacity();
        crypto::wipe(text);
        QVERIFY(text.empty());
        QVERIFY(all_zero(data, capacity));
    }

    // Short option ids live inside the vector's own storage, which clear() keeps: they must be
    // zero there afterwards. (A long string's freed heap buffer cannot be read back.)
    void wipe_zeroes_each_string_of_a_vector() {
        std::vector<std::string> texts{"mayor-1", "council-2"};
        const char* first = texts[0].data();
        const char* second = texts[1].data();
        const std::size_t capacity = texts[0].capacity();
        crypto::wipe(texts);
        QVERIFY(texts.empty());
        QVERIFY(all_zero(first, capacity));
        QVERIFY(all_zero(second, capacity));
    }

    void wipe_zeroes_a_byte_vector_capacity() {
        std::vector<std::uint8_t> bytes(10, 0xAB);
        bytes.reserve(64);
        const auto* data = reinterpret_cast<const char*>(bytes.data());
        crypto::wipe(bytes);
        QVERIFY(bytes.empty());
        QVERIFY(all_zero(data, 64));
    }

    void lock_memory_locks_under_the_limit() {
        std::vector<std::uint8_t> buffer(64, 7);
        const std::size_t before = crypto::memory_lock_refusals();
        QVERIFY(crypto::lock_memory(buffer.data(), buffer.size()));
        QCOMPARE(crypto::memory_lock_refusals(), before);
        crypto::unlock_and_wipe_memory(buffer.data(), buffer.size());
        QVERIFY(sodium_is_zero(buffer.data(), buffer.size()) == 1);
    }

    // With RLIMIT_MEMLOCK at 0 every lock is refused: the program goes on, keys still work, and
    // the refusal is counted. (The single warning goes to the child's stderr.)
    void refused_lock_is_reported_and_not_fatal() {
#ifdef PSEPHOS_UNDER_ASAN
        QSKIP("AddressSanitizer makes mlock a no-op that succeeds; locking is checked in release");
#endif
        const int status = in_child([] {
            const rlimit none{0, 0};
            if (::setrlimit(RLIMIT_MEMLOCK, &none) != 0) return 2;
            if (!drop_ipc_lock_capability()) return 9;  // root ignores RLIMIT_MEMLOCK otherwise
            std::vector<std::uint8_t> buffer(64, 7);
            if (crypto::lock_memory(buffer.data(), buffer.size())) return 3;
            if (crypto::memory_lock_refusals() != 1) return 4;
            if (crypto::lock_memory(buffer.data(), buffer.size())) return 5;
            if (crypto::memory_lock_refusals() != 2) return 6;
            // A signing key still works: its guarded allocation is just not locked.
            const auto key = crypto::Ed25519SigningKey::generate();
            const std::uint8_t message[] = {1, 2, 3};
            if (!crypto::verify_signature(key.public_key(), message, key.sign(message)).ok())
                return 7;
            if (crypto::memory_lock_refusals() != 3) return 8;
            return 0;
        });
        QCOMPARE(status, 0);
    }

    // The precomputation pool's secrets (nonce r, r·K) live in locked chunks: the first one locks
    // a 64 KiB chunk (VmLck grows), and with locking refused everything still works.
    void precomputed_selection_lives_in_locked_memory() {
#ifdef PSEPHOS_UNDER_ASAN
        QSKIP("AddressSanitizer makes mlock a no-op that succeeds; locking is checked in release");
#endif
        const int status = in_child([] {
            const std::size_t before = locked_kib();
            const auto key = crypto::Scalar::random() * crypto::Point::generator();
            auto precomputed = crypto::PrecomputedSelection::compute(key);
            if (locked_kib() < before + 64) return 2;
            const psephos::Hash32 base_hash{};
            return crypto::encrypt_selection(std::move(precomputed), base_hash, {}, key, 1).ok()
                       ? 0
                       : 3;
        });
        QCOMPARE(status, 0);
    }

    void precomputed_selection_works_when_locking_is_refused() {
#ifdef PSEPHOS_UNDER_ASAN
        QSKIP("AddressSanitizer makes mlock a no-op that succeeds; locking is checked in release");
#endif
        const int status = in_child([] {
            const rlimit none{0, 0};
            if (::setrlimit(RLIMIT_MEMLOCK, &none) != 0) return 2;
            if (!drop_ipc_lock_capability()) return 3;
            const auto key = crypto::Scalar::random() * crypto::Point::generator();
            auto precomputed = crypto::PrecomputedSelection::compute(key);
            if (crypto::memory_lock_refusals() == 0) return 4;
            const psephos::Hash32 base_hash{};
            return crypto::encrypt_selection(std::move(precomputed), base_hash, {}, key, 0).ok()
                       ? 0
                       : 5;
        });
        QCOMPARE(status, 0);
    }

    // Containers of secrets (a ballot's marks and nonces, a guardian's polynomial) allocate
    // through LockedAllocator: a small block from a locked slab and a large one from
    // sodium_malloc both sit in locked pages, and a freed block is wiped before it is reused.
    void locked_vectors_live_in_locked_memory_and_are_wiped_when_freed() {
#ifdef PSEPHOS_UNDER_ASAN
        QSKIP("AddressSanitizer makes mlock a no-op that succeeds; locking is checked in release");
#endif
        const int status = in_child([] {
            crypto::LockedVector<crypto::Scalar> nonces;
            nonces.reserve(2);
            nonces.push_back(crypto::Scalar::random());
            if (locked_kib_of_mapping(nonces.data()) == 0) return 2;
            crypto::LockedVector<std::uint8_t> large(64 * 1024, 1);
            if (locked_kib_of_mapping(large.data()) == 0) return 3;
            const void* freed = nullptr;
            {
                crypto::LockedVector<std::uint8_t> marks(40, 0xab);
                freed = marks.data();
            }
            // The slab hands back its last freed block first.
            void* again = crypto::allocate_locked(40);
            const bool wiped = again == freed && all_zero(static_cast<const char*>(again), 64);
            crypto::free_locked(again, 40);
            return wiped ? 0 : 4;
        });
        QCOMPARE(status, 0);
    }

    // A single secret Scalar (a guardian's share) is held by LockedScalar: its value sits in a
    // block of the locked 64-byte slab, a move hands over the block itself, and the block is
    // wiped when the holder is destroyed.
    void locked_scalars_live_in_locked_memory_and_are_wiped_when_freed() {
#ifdef PSEPHOS_UNDER_ASAN
        QSKIP("AddressSanitizer makes mlock a no-op that succeeds; locking is checked in release");
#endif
        const int status = in_child([] {
            const crypto::Scalar value = crypto::Scalar::random();
            crypto::LockedScalar held(value);
            if (!(held.get() == value) || !(*held == value)) return 2;
            const void* block = &held.get();
            if (block == static_cast<const void*>(&value)) return 3;
            if (locked_kib_of_mapping(block) == 0) return 4;
            crypto::LockedScalar moved(std::move(held));
            if (&moved.get() != block || !(moved->bytes() == value.bytes())) return 5;
            const crypto::Scalar sum = value + value;
            moved = sum;  // copied into the same block
            if (&moved.get() != block || !(static_cast<const crypto::Scalar&>(moved) == sum))
                return 6;
            crypto::LockedScalar zero;
            if (!(*zero == crypto::Scalar()) || locked_kib_of_mapping(&zero.get()) == 0) return 7;
            { crypto::LockedScalar gone(std::move(moved)); }
            // The slab hands back its last freed block first.
            void* again = crypto::allocate_locked(sizeof(crypto::Scalar));
            const bool wiped = again == block && all_zero(static_cast<const char*>(again), 64);
            crypto::free_locked(again, sizeof(crypto::Scalar));
            return wiped ? 0 : 8;
        });
        QCOMPARE(status, 0);
    }

    void locked_bytes_move_leaves_nothing_behind() {
        crypto::LockedBytes a(32);
        QVERIFY(a.data() != nullptr);
        QCOMPARE(a.size(), std::size_t{32});
        QVERIFY(sodium_is_zero(a.data(), a.size()) == 1);
        a.data()[0] = 1;
        crypto::LockedBytes b(std::move(a));
        QVERIFY(a.data() == nullptr);  // NOLINT(bugprone-use-after-move): checking the move
        QCOMPARE(b.data()[0], std::uint8_t{1});
    }
};

QTEST_APPLESS_MAIN(TestMemoryProtection)
#include "tst_memory_protection.moc"
