// Wipes for the Qt values that may hold a voter's marks (the speaker's last text, the rows of the
// kiosk's lists). A QString's characters are zeroed in place when this value is their only owner;
// a copy that Qt itself still shares (the QML engine, the text-to-speech engine) is beyond reach,
// which docs/kiosk.md lists.
#pragma once

#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantList>

namespace psephos::ui {

// Zeroes the characters (sodium_memzero) if this QString is their only owner, then empties it
// (keeping the zeroed buffer); a shared string is only released.
void wipeString(QString& text);
// Wipes every string (as wipeString), then empties the list.
void wipeStringList(QStringList& list);
// Wipes every QString, QStringList, QVariantMap and QVariantList inside, then empties the list.
void wipeVariantList(QVariantList& list);

}  // namespace psephos::ui
