// crypto::parse_pkcs11_uri (RFC 7512, docs/keys.md §5): the forms Psephos accepts, decoded, and
// one refusal per malformed or unwanted form, each with the words that name it.
#include <QTest>

#include "psephos/crypto/pkcs11_uri.hpp"

using namespace psephos;

class TestPkcs11Uri : public QObject {
    Q_OBJECT

private slots:
    void accepts_and_decodes_data() {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("object");  // "-" for none
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("pin");  // "-" for none
        QTest::newRow("token and module") << "pkcs11:token=ledger?module-path=/usr/lib/m.so"
                                          << "ledger"
                                          << "-"
                                          << "/usr/lib/m.so"
                                          << "-";
        QTest::newRow("object, pin file")
            << "pkcs11:token=authority;object=election-authority?module-path=/m.so&pin-source=file:"
               "/etc/psephos/pin"
            << "authority"
            << "election-authority"
            << "/m.so"
            << "/etc/psephos/pin";
        QTest::newRow("rfc 7512 example style, percent-encoded")
            << "pkcs11:object=my%20key;token=The%20Token%2F1?pin-source=file:///run/"
               "pin&module-path="
               "/usr/lib/softhsm/libsofthsm2.so"
            << "The Token/1"
            << "my key"
            << "/usr/lib/softhsm/libsofthsm2.so"
            << "/run/pin";
        QTest::newRow("pin source as a bare path")
            << "pkcs11:token=t?module-path=/m.so&pin-source=/p"
            << "t"
            << "-"
            << "/m.so"
            << "/p";
    }
    void accepts_and_decodes() {
        QFETCH(QString, uri);
        QFETCH(QString, token);
        QFETCH(QString, object);
        QFETCH(QString, module);
        QFETCH(QString, pin);
        auto parsed = crypto::parse_pkcs11_uri(uri.toStdString());
        QVERIFY2(parsed, parsed ? "" : parsed.error().message.c_str());
        QCOMPARE(QString::fromStdString(parsed.value().token), token);
        QCOMPARE(
            parsed.value().object ? QString::fromStdString(*parsed.value().object) : QString("-"),
            object);
        QCOMPARE(QString::fromStdString(parsed.value().module_path), module);
        QCOMPARE(parsed.value().pin_source ? QString::fromStdString(*parsed.value().pin_source)
                                           : QString("-"),
                 pin);
    }

    void refuses_malformed_forms_data() {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("error");
        const QString m = "?module-path=/m.so";
        QTest::newRow("another scheme") << "pkcs12:token=t" + m << "does not start with 'pkcs11:'";
        QTest::newRow("upper-case scheme") << "PKCS11:token=t" + m << "does not start with";
        QTest::newRow("nothing after the scheme") << "pkcs11:"
                                                  << "no path attributes";
        QTest::newRow("no token") << "pkcs11:object=k" + m << "no token= attribute";
        QTest::newRow("no module") << "pkcs11:token=t"
                                   << "no ?module-path=";
        QTest::newRow("empty query") << "pkcs11:token=t?"
                                     << "an empty query after '?'";
        QTest::newRow("query without module") << "pkcs11:token=t?pin-source=file:/p"
                                              << "no module-path=";
        QTest::newRow("token twice")
            << "pkcs11:token=a;token=b" + m << "attribute 'token' is given twice";
        QTest::newRow("module twice") << "pkcs11:token=t" + m + "&module-path=/n.so"
                                      << "attribute 'module-path' is given twice";
        QTest::newRow("empty token") << "pkcs11:token=" + m << "attribute 'token' is empty";
        QTest::newRow("attribute without value") << "pkcs11:token" + m << "has no '='";
        QTest::newRow("stray semicolon") << "pkcs11:token=t;" + m << "an empty path attribute";
        QTest::newRow("stray ampersand") << "pkcs11:token=t" + m + "&"
                                         << "an empty query attribute";
        QTest::newRow("unknown path attribute")
            << "pkcs11:token=t;serial=42" + m << "path attribute 'serial' is not one Psephos uses";
        QTest::newRow("unknown query attribute")
            << "pkcs11:token=t" + m + "&module-name=softhsm2"
            << "query attribute 'module-name' is not one Psephos uses";
        QTest::newRow("pin value") << "pkcs11:token=t" + m + "&pin-value=1234"
                                   << "pin-value is refused";
        QTest::newRow("bad percent")
            << "pkcs11:token=a%2" + m << "is not followed by two hexadecimal digits";
        QTest::newRow("percent non-hex")
            << "pkcs11:token=a%zz" + m << "is not followed by two hexadecimal digits";
        QTest::newRow("encoded control") << "pkcs11:token=a%0A" + m << "a control character";
        QTest::newRow("raw space") << "pkcs11:token=a b" + m << "must be percent-encoded";
        QTest::newRow("raw slash in path") << "pkcs11:token=a/b" + m << "must be percent-encoded";
        QTest::newRow("relative module") << "pkcs11:token=t?module-path=m.so"
                                         << "is not an absolute path";
        QTest::newRow("pin from a command") << "pkcs11:token=t" + m + "&pin-source=%7Cecho%201"
                                            << "commands are refused";
        QTest::newRow("pin from a host") << "pkcs11:token=t" + m + "&pin-source=file://h/p"
                                         << "names a host";
        QTest::newRow("relative pin file") << "pkcs11:token=t" + m + "&pin-source=file:p"
                                           << "is not file:PATH or an absolute path";
    }
    void refuses_malformed_forms() {
        QFETCH(QString, uri);
        QFETCH(QString, error);
        auto parsed = crypto::parse_pkcs11_uri(uri.toStdString());
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().code, ErrorCode::invalid_argument);
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(error),
                 parsed.error().message.c_str());
        QVERIFY(QString::fromStdString(parsed.error().message).startsWith("PKCS#11 URI: "));
    }
};

QTEST_APPLESS_MAIN(TestPkcs11Uri)
#include "tst_pkcs11_uri.moc"
