// Wipes of Qt strings and variants (secret_wipe.hpp).
#include "secret_wipe.hpp"

#include <sodium.h>

#include <QStringList>
#include <QVariantMap>

namespace psephos::ui {
namespace {

void wipeVariant(QVariant& value);

void wipeVariantMap(QVariantMap& map) {
    for (QVariant& value : map) wipeVariant(value);
    map.clear();
}

// data() detaches a shared variant first, so only this variant's own copy is touched.
void wipeVariant(QVariant& value) {
    switch (value.typeId()) {
        case QMetaType::QString:
            wipeString(*static_cast<QString*>(value.data()));
            break;
        case QMetaType::QStringList:
            wipeStringList(*static_cast<QStringList*>(value.data()));
            break;
        case QMetaType::QVariantMap:
            wipeVariantMap(*static_cast<QVariantMap*>(value.data()));
            break;
        case QMetaType::QVariantList:
            wipeVariantList(*static_cast<QVariantList*>(value.data()));
            break;
        default:
            break;
    }
    value.clear();
}

}  // namespace

void wipeString(QString& text) {
    // Writing through data() would detach a shared string and wipe only the fresh copy.
    if (text.isEmpty()) return;
    if (text.data_ptr().isShared()) {
        text = QString();
        return;
    }
    sodium_memzero(text.data(), static_cast<std::size_t>(text.size()) * sizeof(QChar));
    text.truncate(0);  // keeps the (zeroed) buffer; it is freed with the string
}

void wipeStringList(QStringList& list) {
    for (QString& text : list) wipeString(text);
    list.clear();
}

void wipeVariantList(QVariantList& list) {
    for (QVariant& value : list) wipeVariant(value);
    list.clear();
}

}  // namespace psephos::ui
