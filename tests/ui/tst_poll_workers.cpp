// Named poll-worker credentials (psephos::kiosk, poll_worker_credentials.hpp) played as an
// attacker would: a tampered credentials file is refused naming the file and the line; the lock
// says who unlocked; a poll worker cannot reset the count that limits guesses at a colleague's
// passphrase by unlocking with their own between guesses; a match the caller refuses (the first
// person again, at a two-person close) counts as a failure. The legacy one-passphrase file is one
// unnamed poll worker with every role.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "psephos/crypto/secure_file.hpp"
#include "psephos/kiosk/poll_worker_credentials.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"

using namespace psephos;
using kiosk::PollWorkerRole;

namespace {

constexpr const char* grace_passphrase = "grace's passphrase";
constexpr const char* alan_passphrase = "alan's passphrase";
constexpr const char* ada_passphrase = "ada's passphrase";
constexpr unsigned every_role = kiosk::all_poll_worker_roles;
constexpr unsigned close_only = static_cast<unsigned>(PollWorkerRole::close);
constexpr unsigned voters_only = static_cast<unsigned>(PollWorkerRole::voters);

}  // namespace

class TestPollWorkers : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::filesystem::path m_credentials;  // Grace (every role), Alan (close), Ada (voters)
    std::string m_lines;                  // its content

    std::filesystem::path path(const char* name) const {
        return std::filesystem::path(m_dir.path().toStdString()) / name;
    }
    std::string hash_of(std::size_t line) const {  // the hash on the credentials' line (2…)
        std::size_t start = 0;
        for (std::size_t k = 1; k < line; ++k) start = m_lines.find('\n', start) + 1;
        const std::size_t first = m_lines.find(' ', start) + 1;
        return m_lines.substr(first, m_lines.find(' ', first) - first);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_credentials = path("poll-workers");
        QVERIFY(kiosk::add_poll_worker_credential(m_credentials, "Grace Hopper", every_role,
                                                  grace_passphrase));
        QVERIFY(kiosk::add_poll_worker_credential(m_credentials, "Alan Turing", close_only,
                                                  alan_passphrase));
        QVERIFY(kiosk::add_poll_worker_credential(m_credentials, "Ada Lovelace", voters_only,
                                                  ada_passphrase));
        crypto::SecretText text(16384);
        QVERIFY(crypto::read_file_into(m_credentials, true, text));
        m_lines = std::string(text.view());
    }

    void credentials_file_round_trip() {
        struct stat st {};
        QCOMPARE(::stat(m_credentials.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        auto read = kiosk::read_poll_worker_credentials(m_credentials);
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(read->size(), std::size_t{3});
        QCOMPARE((*read)[0].name, std::string("Grace Hopper"));
        QCOMPARE((*read)[0].roles, every_role);
        QCOMPARE((*read)[1].name, std::string("Alan Turing"));
        QVERIFY((*read)[1].may(PollWorkerRole::close));
        QVERIFY(!(*read)[1].may(PollWorkerRole::open));
        QCOMPARE((*read)[2].roles, voters_only);
        QVERIFY(m_lines.starts_with("psephos-poll-worker-credentials-v1\n"));
        // A name already there, a legacy file, bad names and roles: refused, nothing written.
        auto twice = kiosk::add_poll_worker_credential(m_credentials, "Alan Turing", close_only,
                                                       "another passphrase");
        QVERIFY(!twice);
        QVERIFY2(twice.error().message.find("already there") != std::string::npos,
                 twice.error().message.c_str());
        QVERIFY(!kiosk::add_poll_worker_credential(m_credentials, "Hopper, Grace", close_only,
                                                   "a fine passphrase"));
        QVERIFY(!kiosk::add_poll_worker_credential(m_credentials, "Eve", 0, "a fine passphrase"));
        QVERIFY(!kiosk::add_poll_worker_credential(m_credentials, "Eve", close_only, "short"));
        const auto legacy = path("legacy");
        QVERIFY(kiosk::write_poll_worker_passphrase_file(legacy, "the shared passphrase"));
        QVERIFY(!kiosk::add_poll_worker_credential(legacy, "Eve", close_only, "a fine one"));
        crypto::SecretText after(16384);
        QVERIFY(crypto::read_file_into(m_credentials, true, after));
        QCOMPARE(std::string(after.view()), m_lines);
    }

    void legacy_passphrase_file_is_one_unnamed_poll_worker_with_every_role() {
        const auto legacy = path("legacy-2");
        QVERIFY(kiosk::write_poll_worker_passphrase_file(legacy, "the shared passphrase"));
        auto read = kiosk::read_poll_worker_credentials(legacy);
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(read->size(), std::size_t{1});
        QVERIFY(!(*read)[0].named());
        QCOMPARE((*read)[0].roles, every_role);
        kiosk::PollWorkerLock lock(*read);
        const auto attempt = lock.try_unlock("the shared passphrase");
        QVERIFY(attempt.unlocked);
        QCOMPARE(attempt.worker, std::optional<std::size_t>{0});
    }

    // Each row: the file's content (HASH1/HASH2 replaced by real hashes), its mode, and what the
    // refusal must say after "<file>:<line>: " (line 0: the file as a whole, "<file>: ").
    void tampered_credentials_file_is_refused_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("reason");
        const QString head = QStringLiteral("psephos-poll-worker-credentials-v1\n");
        QTest::newRow("readable by others") << head + QStringLiteral("close HASH1 Alan Turing\n")
                                            << 0644 << -1 << QStringLiteral("group or others");
        QTest::newRow("bad hash") << head + QStringLiteral("close $argon2id$nonsense Alan Turing\n")
                                  << 0600 << 2 << QStringLiteral("not an Argon2 password hash");
        QTest::newRow("huge cost")
            << head + QStringLiteral("open HASH1 Grace Hopper\nclose COSTLY Alan Turing\n") << 0600
            << 3 << QStringLiteral("other cost parameters");
        QTest::newRow("duplicate names")
            << head + QStringLiteral("open HASH1 Alan Turing\nclose HASH2 Alan Turing\n") << 0600
            << 3 << QStringLiteral("already on line 2");
        QTest::newRow("unknown role") << head + QStringLiteral("open,admin HASH1 Alan Turing\n")
                                      << 0600 << 2 << QStringLiteral("unknown role 'admin'");
        QTest::newRow("role twice") << head + QStringLiteral("close,close HASH1 Alan Turing\n")
                                    << 0600 << 2 << QStringLiteral("appears twice");
        QTest::newRow("no roles") << head + QStringLiteral(" HASH1 Alan Turing\n") << 0600 << 2
                                  << QStringLiteral("unknown role ''");
        QTest::newRow("no name") << head + QStringLiteral("close HASH1\n") << 0600 << 2
                                 << QStringLiteral("expected '<roles> <hash> <name>'");
        QTest::newRow("bidi override in a name")
            << head + QStringLiteral("close HASH1 Alan \u202ETuring\n") << 0600 << 2
            << QStringLiteral("bidirectional");
        QTest::newRow("control character in a name")
            << head + QStringLiteral("close HASH1 Alan\tTuring\n") << 0600 << 2
            << QStringLiteral("control character");
        QTest::newRow("comma in a name") << head + QStringLiteral("close HASH1 Turing, Alan\n")
                                         << 0600 << 2 << QStringLiteral("a comma");
        QTest::newRow("unknown header")
            << QStringLiteral("psephos-poll-worker-credentials-v9\nclose HASH1 Alan Turing\n")
            << 0600 << 1 << QStringLiteral("not a poll-worker credentials file");
        QTest::newRow("no last line break") << head + QStringLiteral("close HASH1 Alan Turing")
                                            << 0600 << 2 << QStringLiteral("line break");
        QTest::newRow("blank line") << head + QStringLiteral("close HASH1 Alan Turing\n\n") << 0600
                                    << 3 << QStringLiteral("expected '<roles>");
        QTest::newRow("nobody") << head << 0600 << 0 << QStringLiteral("names no poll worker");
        QString many = head;
        for (int i = 0; i < 9; ++i) many += QStringLiteral("close HASH1 Worker %1\n").arg(i);
        QTest::newRow("too many") << many << 0600 << 10 << QStringLiteral("more than 8");
    }

    void tampered_credentials_file_is_refused() {
        QFETCH(QString, content);
        QFETCH(int, mode);
        QFETCH(int, line);
        QFETCH(QString, reason);
        std::string costly = hash_of(2);
        const std::size_t m = costly.find("m=65536,t=2,");
        QVERIFY2(m != std::string::npos, costly.c_str());
        costly.replace(m, 12, "m=4194304,t=1000,");
        std::string text = content.toStdString();
        for (const auto& [marker, hash] : {std::pair<std::string, std::string>{"HASH1", hash_of(2)},
                                           {"HASH2", hash_of(3)},
                                           {"COSTLY", costly}}) {
            for (std::size_t at = text.find(marker); at != std::string::npos;
                 at = text.find(marker))
                text.replace(at, marker.size(), hash);
        }
        const auto file = path(QTest::currentDataTag());
        std::filesystem::remove(file);
        QVERIFY(crypto::write_new_file(file, text, static_cast<mode_t>(mode)));
        auto read = kiosk::read_poll_worker_credentials(file);
        QVERIFY(!read);
        const std::string& message = read.error().message;
        const std::string place = line > 0    ? file.string() + ":" + std::to_string(line) + ": "
                                  : line == 0 ? file.string() + ": "
                                              : file.string();
        QVERIFY2(message.starts_with(place), message.c_str());
        QVERIFY2(message.find(reason.toStdString()) != std::string::npos, message.c_str());
    }

    void lock_says_which_poll_worker_unlocked() {
        auto read = kiosk::read_poll_worker_credentials(m_credentials);
        QVERIFY(read);
        kiosk::PollWorkerLock lock(*read);
        const auto alan = lock.try_unlock(alan_passphrase);
        QVERIFY(alan.unlocked);
        QCOMPARE(alan.worker, std::optional<std::size_t>{1});
        const auto ada = lock.try_unlock(ada_passphrase);
        QVERIFY(ada.unlocked);
        QCOMPARE(ada.worker, std::optional<std::size_t>{2});
        const auto wrong = lock.try_unlock("nobody's passphrase");
        QVERIFY(!wrong.unlocked);
        QVERIFY(!wrong.worker);
    }

    // The insider: Ada (voters only) wants to close, so guesses at Alan's passphrase, unlocking
    // with her own between guesses to clear the count. Her unlocks clear only her count; Alan's
    // grows with every guess, so after three his passphrase is locked out, even when right.
    void own_unlocks_do_not_reset_the_count_for_a_colleague() {
        auto read = kiosk::read_poll_worker_credentials(m_credentials);
        QVERIFY(read);
        auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
        kiosk::PollWorkerLock lock(*read, [&] { return now; });
        for (int round = 0; round < 2; ++round) {
            QVERIFY(!lock.try_unlock("guess at alan " + std::to_string(round)).unlocked);
            QVERIFY(lock.try_unlock(ada_passphrase).unlocked);
        }
        const auto third = lock.try_unlock("guess at alan 2");
        QCOMPARE(third.wait_seconds, std::uint64_t{5});
        // Ada herself may go on (her count was cleared); Alan's right passphrase is refused.
        QVERIFY(lock.try_unlock(ada_passphrase).unlocked);
        const auto alan = lock.try_unlock(alan_passphrase);
        QVERIFY(!alan.unlocked);
        QCOMPARE(alan.wait_seconds, std::uint64_t{5});
        now += std::chrono::seconds(5);
        QVERIFY(lock.try_unlock(alan_passphrase).unlocked);
        // Every guess counted against Grace too (nobody can tell whose passphrase a guess was
        // at), and her count stays until she unlocks.
        QCOMPARE(lock.consecutive_failures(), 3u);
    }

    // The two-person close: the first person's passphrase again is a match the caller refuses;
    // it counts as a failure and clears nothing, and the attempt says whose it was.
    void refused_match_counts_as_a_failure() {
        auto read = kiosk::read_poll_worker_credentials(m_credentials);
        QVERIFY(read);
        auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
        kiosk::PollWorkerLock lock(*read, [&] { return now; });
        const auto& grace = lock.credentials()[0];
        const kiosk::PollWorkerLock::Accept second_person = [&](const auto& c) {
            return &c != &grace && c.may(PollWorkerRole::close);
        };
        for (int i = 0; i < 2; ++i) {
            const auto again = lock.try_unlock(grace_passphrase, second_person);
            QVERIFY(!again.unlocked);
            QCOMPARE(again.worker, std::optional<std::size_t>{0});
        }
        // Ada has no close role: refused too.
        const auto ada = lock.try_unlock(ada_passphrase, second_person);
        QVERIFY(!ada.unlocked);
        QCOMPARE(ada.worker, std::optional<std::size_t>{2});
        QCOMPARE(ada.wait_seconds, std::uint64_t{5});
        now += std::chrono::seconds(5);
        QVERIFY(lock.try_unlock(alan_passphrase, second_person).unlocked);
    }

    // Per-credential counts kept across a restart (v2), and an older v1 count applied to all.
    void counts_per_poll_worker_survive_a_restart() {
        auto read = kiosk::read_poll_worker_credentials(m_credentials);
        QVERIFY(read);
        const auto state = path("lockout");
        auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
        {
            kiosk::PollWorkerLock lock(*read, [&] { return now; });
            QVERIFY(lock.keep_failures_in(state));
            QVERIFY(!lock.try_unlock("wrong 1").unlocked);
            QVERIFY(!lock.try_unlock("wrong 2").unlocked);
            QVERIFY(lock.try_unlock(grace_passphrase).unlocked);
        }
        crypto::SecretText text(256);
        QVERIFY(crypto::read_file_into(state, true, text));
        QCOMPARE(std::string(text.view()), std::string("psephos-poll-worker-lockout-v2 0 2 2\n"));
        {
            kiosk::PollWorkerLock lock(*read, [&] { return now; });
            QVERIFY(lock.keep_failures_in(state));
            QCOMPARE(lock.try_unlock("wrong 3").wait_seconds, std::uint64_t{5});
            QVERIFY(lock.try_unlock(grace_passphrase).unlocked);  // Grace: 1 failure, not locked
            QVERIFY(!lock.try_unlock(alan_passphrase).unlocked);
        }
        std::filesystem::remove(state);
        QVERIFY(crypto::write_new_file(
            state, std::string_view("psephos-poll-worker-lockout-v1 4\n"), 0600));
        kiosk::PollWorkerLock lock(*read, [&] { return now; });
        QVERIFY(lock.keep_failures_in(state));
        QCOMPARE(lock.seconds_locked_out(), std::uint64_t{10});
        QVERIFY(!lock.try_unlock(grace_passphrase).unlocked);
    }
};

QTEST_GUILESS_MAIN(TestPollWorkers)
#include "tst_poll_workers.moc"
