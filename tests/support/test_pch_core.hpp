// Precompiled for every Qt Test suite that does not link Qt Gui (tests/CMakeLists.txt,
// psephos_test_pch). A suite's translation unit is mostly QtTest and the standard library: this
// header is compiled once per test folder instead of once per suite. Only third-party headers
// belong here (a Psephos header would rebuild every suite when it changes).
#pragma once

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>
