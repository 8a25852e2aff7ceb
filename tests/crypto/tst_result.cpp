// Result<T>: the value through *, -> and value(); reading a failed one is a programming error;
// PSEPHOS_TRY and PSEPHOS_TRY_ASSIGN return the first error unchanged and evaluate once.
#include <QTest>

#include <memory>
#include <string>

#include "psephos/crypto/result.hpp"

using namespace psephos;

namespace {

struct Counted {
    int calls = 0;
    Result<int> number(bool succeed) {
        ++calls;
        if (!succeed) return make_error(ErrorCode::not_found, "number " + std::to_string(calls));
        return calls * 10;
    }
    Status check(bool succeed) {
        ++calls;
        if (!succeed) return make_error(ErrorCode::refused, "check " + std::to_string(calls));
        return {};
    }
};

Result<int> sum_of_two(Counted& c, bool first, bool second) {
    PSEPHOS_TRY_ASSIGN(const int a, c.number(first));
    PSEPHOS_TRY_ASSIGN(const int b, c.number(second));
    return a + b;
}

Status checks_then_number(Counted& c, bool check, bool number) {
    PSEPHOS_TRY(c.check(check));
    PSEPHOS_TRY(c.number(number));
    return {};
}

Result<std::unique_ptr<int>> moved_out(bool succeed) {
    auto make = [&]() -> Result<std::unique_ptr<int>> {
        if (!succeed) return make_error(ErrorCode::io_error, "no pointer");
        return std::make_unique<int>(7);
    };
    PSEPHOS_TRY_ASSIGN(auto pointer, make());  // move-only values move out
    *pointer += 1;
    return pointer;
}

}  // namespace

class TestResult : public QObject {
    Q_OBJECT

private slots:
    void dereference_reads_the_value() {
        Result<std::string> r = std::string("ballot");
        QCOMPARE(*r, std::string("ballot"));
        QCOMPARE(r->size(), std::size_t{6});
        r->append("s");
        QCOMPARE(r.value(), std::string("ballots"));
        const Result<std::string>& c = r;
        QCOMPARE(c->size(), std::size_t{7});
        QCOMPARE(*std::move(r), std::string("ballots"));
    }

    void dereferencing_a_failure_throws() {
        Result<std::string> r = make_error(ErrorCode::corrupted, "record 3: bad hash");
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)*r);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)r->size());
        QCOMPARE(r.error().message, std::string("record 3: bad hash"));
    }

    void try_assign_returns_the_first_error_unchanged() {
        Counted c;
        auto ok = sum_of_two(c, true, true);
        QVERIFY(ok.ok());
        QCOMPARE(*ok, 30);  // 10 + 20: each expression evaluated once
        QCOMPARE(c.calls, 2);

        Counted d;
        auto first = sum_of_two(d, false, true);
        QVERIFY(!first.ok());
        QCOMPARE(first.error().code, ErrorCode::not_found);
        QCOMPARE(first.error().message, std::string("number 1"));
        QCOMPARE(d.calls, 1);  // stopped at the first failure

        Counted e;
        auto second = sum_of_two(e, true, false);
        QCOMPARE(second.error().message, std::string("number 2"));
    }

    void try_propagates_status_and_results_alike() {
        Counted c;
        QVERIFY(checks_then_number(c, true, true).ok());
        QCOMPARE(c.calls, 2);
        Counted d;
        auto s = checks_then_number(d, false, true);
        QCOMPARE(s.error().code, ErrorCode::refused);
        QCOMPARE(d.calls, 1);
        Counted e;
        auto t = checks_then_number(e, true, false);
        QCOMPARE(t.error().code, ErrorCode::not_found);
        QCOMPARE(t.error().message, std::string("number 2"));
    }

    void try_assign_moves_move_only_values() {
        auto r = moved_out(true);
        QVERIFY(r.ok());
        QCOMPARE(**r, 8);
        QCOMPARE(moved_out(false).error().message, std::string("no pointer"));
    }
};

QTEST_APPLESS_MAIN(TestResult)
#include "tst_result.moc"
