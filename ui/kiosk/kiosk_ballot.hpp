// The voter's ballot (the controller's `ballot`, docs/kiosk.md §3): the voter session's contests
// and marks, the contest shown and its options, the review, sealing (commit before the choice),
// casting or challenging the sealed ballot, its tracking code and receipt, and what a challenged
// ballot opened to. The marks live in the kiosk::VoterSession and, as text, only in the three list
// models, whose rows are wiped when replaced, cleared or destroyed (kiosk_lists.hpp); nothing
// here keeps another copy. The screens it moves between are the controller's.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <string>
#include <vector>

#include "kiosk_lists.hpp"

namespace psephos::kiosk {
class VoterSession;
}  // namespace psephos::kiosk

namespace psephos::ui {

class KioskController;

class KioskBallot : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's voter ballot (kiosk.ballot)")
    Q_PROPERTY(int contestIndex READ contestIndex NOTIFY changed)
    Q_PROPERTY(int contestCount READ contestCount NOTIFY changed)
    Q_PROPERTY(QString contestTitle READ contestTitle NOTIFY changed)
    Q_PROPERTY(QString contestInstructions READ contestInstructions NOTIFY changed)
    // The current contest's choices (OptionRow: optionId, optionLabel, marked)
    Q_PROPERTY(psephos::ui::ListModel* options READ options CONSTANT)
    // A message about the last action (an overvote refused), empty otherwise.
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    // Every contest and its marks (ReviewRow: contest, title, marks, undervote, warning)
    Q_PROPERTY(psephos::ui::ListModel* reviewItems READ reviewItems CONSTANT)
    Q_PROPERTY(QString trackingCode READ trackingCode NOTIFY receiptChanged)
    Q_PROPERTY(QStringList trackingGroups READ trackingGroups NOTIFY receiptChanged)
    Q_PROPERTY(QString qrSource READ qrSource NOTIFY receiptChanged)  // "image://qr/<code>"
    // The cast ballot's receipt file name in DIR/receipts (docs/proof-bundle.md §4), or "".
    Q_PROPERTY(QString receiptFile READ receiptFile NOTIFY receiptChanged)
    // What a challenged ballot opened to (ChallengeRow: title, marks)
    Q_PROPERTY(psephos::ui::ListModel* challengeItems READ challengeItems CONSTANT)

public:
    explicit KioskBallot(KioskController& kiosk);
    ~KioskBallot() override;

    int contestIndex() const { return m_contest; }
    int contestCount() const;
    QString contestTitle() const;
    QString contestInstructions() const;
    OptionList* options() { return &m_optionList; }
    QString notice() const { return m_notice; }
    ReviewList* reviewItems() { return &m_reviewItems; }
    QString trackingCode() const { return m_trackingCode; }
    QStringList trackingGroups() const;
    QString qrSource() const;
    QString receiptFile() const { return m_receiptFile; }
    ChallengeList* challengeItems() { return &m_challengeItems; }

    Q_INVOKABLE void startBallot();
    Q_INVOKABLE void toggleOption(int option);
    Q_INVOKABLE void nextContest();
    Q_INVOKABLE void previousContest();
    Q_INVOKABLE void showReview();
    Q_INVOKABLE void changeContest(int contest);
    Q_INVOKABLE void seal();          // review → sealed
    Q_INVOKABLE void cast();          // sealed → receipt
    Q_INVOKABLE void challenge();     // sealed → challenged
    Q_INVOKABLE void changeSealed();  // sealed → review; the sealed ballot is discarded
    Q_INVOKABLE void finishReceipt();
    Q_INVOKABLE void startOver();  // after a challenge: a fresh ballot for the same voter

signals:
    // The session, the contest shown, a mark or the language changed.
    void changed();
    void noticeChanged();
    void receiptChanged();

private:
    friend class KioskController;
    void setNotice(const QString& notice);
    void showContest(int contest);
    // The contest's options and the review's rows from the session (empty without one).
    void refreshLists();
    void submit(bool challenge);
    // What the challenged ballot opened to (option ids by contest); a fresh session follows.
    void showChallenge(const std::vector<std::vector<std::string>>& opened);
    template <typename Text>
    QString localized(const Text& text) const;

    KioskController& m_kiosk;
    std::unique_ptr<kiosk::VoterSession> m_session;
    int m_contest = 0;
    QString m_notice;
    QString m_trackingCode;
    QString m_receiptFile;
    // The lists the voter's screens show (rows wiped as they are replaced, kiosk_lists.hpp).
    OptionList m_optionList;
    ReviewList m_reviewItems;
    ChallengeList m_challengeItems;
    bool m_returnToReview = false;
    bool m_stillSealed = false;  // after a refusal: the station still holds the sealed ballot
};

}  // namespace psephos::ui
