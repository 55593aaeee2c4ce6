// bench-sessions: the session index (`--sessions QUERY`) over many saved conversations.
//
//   bench-sessions [--sizes 100,1000,10000] [--kb 100] [--kb-10000 N] [--dir DIR] [--keep]
//
// Writes conversations of about `--kb` KB each (English prose with some Russian, user and
// assistant turns, through the real autosave encoder) into a scratch sessions folder, then for
// each size: the first search (the index is built), and the median of 20 searches once it
// exists, each through a new SessionIndex (a new connection, as every `--sessions` run is a
// new process; process start-up itself is not counted). Then didSave for a 1,000-message
// conversation, median of 50 (each after one more turn). Human-readable lines go to stderr,
// `RESULT name value unit` lines to stdout (Benchmarks/run.sh reads those). Times are wall
// times: the index is files, and reading them is part of the answer.

import BenchSupport
import ChatCore
import ChatStorage
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64: the same conversations on every run.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Text that looks like a technical chat: common English words, programming words, and a
/// share of Russian, so the tokenizer sees several scripts and a realistic vocabulary.
struct Prose {
    static let english = """
        the a of to and in is it that for you with on as this be are can use your or if by not from at have an will one all \
        but which when there what more so about how we some would like into other then than them these its only also could \
        time just make way first new because any work may should each need well even most after where through over again \
        example value function return string number array list error file request response server client model token stream \
        parse index query search result type method class struct protocol actor task async await thread queue buffer memory \
        cache database table column row key record field message session history config option flag command terminal output \
        input line byte character encoding unicode format json http header body status timeout retry network socket port \
        build test compile release debug library module package dependency version swift rust python linux kernel process
        """.split(separator: " ").map(String.init)
    static let russian = """
        привет мир как дела это код функция ошибка запрос ответ сервер клиент модель поток данные файл строка число массив \
        список поиск индекс таблица сообщение история настройка команда вывод ввод память очередь задача время работа пример \
        значение результат тип метод класс версия сборка тест библиотека модуль пакет зависимость сеть порт заголовок тело
        """.split(separator: " ").map(String.init)
    /// Words that appear in a few conversations only (the selective query).
    static let rare = ["kafka", "zeppelin", "quaternion", "marzipan", "fjord", "обсерватория", "ксилофон", "бархан"]

    var random: Seeded

    mutating func word() -> String {
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 12 { return Self.russian.randomElement(using: &random)! }
        if roll == 99 && Int.random(in: 0..<4000, using: &random) == 0 { return Self.rare.randomElement(using: &random)! }
        return Self.english.randomElement(using: &random)!
    }

    mutating func sentence() -> String {
        var words = (0..<Int.random(in: 6...18, using: &random)).map { _ in word() }
        words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
        return words.joined(separator: " ") + ". "
    }

    mutating func paragraph(sentences: ClosedRange<Int>) -> String {
        (0..<Int.random(in: sentences, using: &random)).map { _ in sentence() }.joined()
    }

    /// Turns until the text reaches `bytes`.
    mutating func conversation(bytes: Int) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        var size = 0
        while size < bytes {
            let question = paragraph(sentences: 1...3)
            let answer = (0..<Int.random(in: 1...4, using: &random)).map { _ in paragraph(sentences: 3...8) }.joined(separator: "\n\n")
            messages += [.user(question), .assistant(answer)]
            size += question.utf8.count + answer.utf8.count
        }
        return messages
    }
}

// MARK: Arguments

var sizes = [100, 1000, 10000]
var kilobytes = 100
var kilobytesAt10k: Int?
var scratch = NSTemporaryDirectory() + "bench-sessions-\(getpid())"
var keep = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--sizes": sizes = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--kb": kilobytes = Int(arguments.next() ?? "") ?? kilobytes
    case "--kb-10000": kilobytesAt10k = Int(arguments.next() ?? "")
    case "--dir": scratch = arguments.next() ?? scratch
    case "--keep": keep = true
    default:
        log("usage: bench-sessions [--sizes 100,1000,10000] [--kb 100] [--kb-10000 N] [--dir DIR] [--keep]")
        exit(2)
    }
}
defer { if !keep { try? FileManager.default.removeItem(atPath: scratch) } }

// MARK: Search

/// Writes `count` conversations (the same ones for every size: number i is seeded by i).
func fill(_ directory: SessionDirectory, count: Int, kilobytes: Int) throws {
    try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
    let started = wallNow()
    for number in 0..<count {
        var prose = Prose(random: Seeded(state: UInt64(number) &* 7919))
        let archive = SessionArchive(
            model: "bench/model-\(number % 7)", systemPrompt: nil, messages: prose.conversation(bytes: kilobytes * 1000))
        let path = directory.file(named: String(format: "2026%04d-%06d", number % 1231, number))
        try AutosaveFile(path: path, claimed: true, attachments: directory.attachments).save(archive, now: 1_700_000_000 + Double(number))
    }
    let bytes = (try FileManager.default.contentsOfDirectory(atPath: directory.path)).reduce(0) { total, file in
        total + ((try? FileManager.default.attributesOfItem(atPath: directory.path + "/" + file)[.size] as? Int) ?? 0)
    }
    log(String(format: "  wrote %d conversations, %.1f MB, in %.1f s", count, Double(bytes) / 1e6, wallNow() - started))
}

let queries: [(key: String, text: String)] = [("rare", "kafka"), ("phrase", "database timeout"), ("common", "swift"), ("prefix", "библ")]

for size in sizes {
    let size_kb = size == 10000 ? (kilobytesAt10k ?? kilobytes) : kilobytes
    log("== \(size) conversations of about \(size_kb) KB")
    let directory = SessionDirectory(stateDirectory: scratch + "/n\(size)")
    try fill(directory, count: size, kilobytes: size_kb)
    result("sessions_kb_\(size)", Double(size_kb), "KB")
    // The floor of a first build: every file read and decoded, nothing indexed.
    let decodeStart = wallNow()
    for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".json") {
        let bytes = try FileBytes.contents(of: directory.path + "/" + file)
        _ = try SessionArchive.decode(bytes, path: file)
    }
    let decode = wallNow() - decodeStart
    log(String(format: "  reading and decoding the files alone: %.2f s", decode))
    result("sessions_decode_s_\(size)", decode, "s")
    let start = wallNow()
    let startCPU = processCPU()
    let first = try SessionIndex(directory: directory).search("kafka")
    let build = wallNow() - start
    let buildCPU = processCPU() - startCPU
    log(String(format: "  first search (builds the index): %.2f s (%.2f s of CPU, both threads), %d matches", build, buildCPU, first.count))
    result("sessions_build_s_\(size)", build, "s")
    result("sessions_build_cpu_s_\(size)", buildCPU, "s")
    let indexBytes = ["", "-wal"].reduce(0) { total, suffix in
        total + ((try? FileManager.default.attributesOfItem(atPath: directory.path + "/.index.sqlite" + suffix)[.size] as? Int) ?? 0)
    }
    result("sessions_index_mb_\(size)", Double(indexBytes) / 1e6, "MB")
    for query in queries {
        var times: [Double] = []
        var cpu: [Double] = []
        var count = 0
        for _ in 0..<20 {
            let start = wallNow()
            let startCPU = processCPU()
            count = try SessionIndex(directory: directory).search(query.text).count
            times.append(wallNow() - start)
            cpu.append(processCPU() - startCPU)
        }
        log(
            String(
                format: "  search %@ (%d matches): median %.1f ms (%.1f ms of CPU), fastest %.1f ms", "\"\(query.text)\"", count,
                median(times) * 1000, median(cpu) * 1000, times.min()! * 1000))
        result("sessions_search_ms_\(query.key)_\(size)", median(times) * 1000, "ms")
        result("sessions_search_cpu_ms_\(query.key)_\(size)", median(cpu) * 1000, "ms")
        result("sessions_search_matches_\(query.key)_\(size)", Double(count), "matches")
    }
    var times: [Double] = []
    for _ in 0..<20 {
        let start = wallNow()
        _ = try SessionIndex(directory: directory).list()
        times.append(wallNow() - start)
    }
    log(String(format: "  list: median %.1f ms", median(times) * 1000))
    result("sessions_list_ms_\(size)", median(times) * 1000, "ms")
    if !keep { try? FileManager.default.removeItem(atPath: scratch + "/n\(size)") }
}

// MARK: didSave

do {
    log("== didSave after a turn of a 1,000-message conversation")
    let directory = SessionDirectory(stateDirectory: scratch + "/save")
    try fill(directory, count: 100, kilobytes: 20)
    let index = SessionIndex(directory: directory)
    _ = try index.list()
    var prose = Prose(random: Seeded(state: 42))
    var messages: [ChatMessage] = []
    while messages.count < 1000 { messages += prose.conversation(bytes: 1) }
    let file = AutosaveFile(path: directory.file(named: "long"), claimed: true, attachments: directory.attachments)
    var archive = SessionArchive(model: "bench/long", systemPrompt: nil, messages: messages)
    try file.save(archive, now: 1)
    index.didSave("long", archive: archive, modified: 1)
    let textBytes = messages.reduce(0) { $0 + $1.content.utf8.count }
    log(String(format: "  %d messages, %.2f MB of text", messages.count, Double(textBytes) / 1e6))
    var indexTimes: [Double] = []
    var saveTimes: [Double] = []
    var encodeTimes: [Double] = []
    for turn in 0..<50 {
        archive.messages += prose.conversation(bytes: 1)
        let encodeStart = wallNow()
        _ = archive.encoded(attachments: .referenced, savedAt: Double(turn + 2))
        encodeTimes.append(wallNow() - encodeStart)
        let start = wallNow()
        try file.save(archive, now: Double(turn + 2))
        let saved = wallNow()
        index.didSave("long", archive: archive, modified: Double(turn + 2))
        indexTimes.append(wallNow() - saved)
        saveTimes.append(saved - start)
    }
    // What the prompt waits for after a turn: the REPL's store writes the save (and tells
    // the index) on a queue of its own; flush waits for it, as the REPL does at exit.
    let store = SessionFiles(
        autosave: file, attachments: directory.attachments, directory: directory, now: { 100 },
        didSave: { name, archive, modified in index.didSave(name, archive: archive, modified: modified) })
    var promptTimes: [Double] = []
    var behindTimes: [Double] = []
    for _ in 0..<50 {
        archive.messages += prose.conversation(bytes: 1)
        let start = wallNow()
        try store.autosaveInBackground(archive)
        let queued = wallNow()
        try store.flush()
        promptTimes.append(queued - start)
        behindTimes.append(wallNow() - queued)
    }
    log(
        String(
            format: "  autosave after a turn: the prompt waits %.3f ms (median); the save behind it takes %.2f ms",
            median(promptTimes) * 1000, median(behindTimes) * 1000))
    result("sessions_autosave_prompt_ms", median(promptTimes) * 1000, "ms")
    result("sessions_autosave_behind_ms", median(behindTimes) * 1000, "ms")
    let found = try index.search(String(archive.messages.last!.content.split(separator: " ").first!)).contains { $0.summary.name == "long" }
    log(
        String(
            format: "  didSave: median %.2f ms, fastest %.2f ms (the autosave's file write beside it: median %.2f ms); last turn found: %@",
            median(indexTimes) * 1000, indexTimes.min()! * 1000, median(saveTimes) * 1000, found ? "yes" : "NO"))
    result("sessions_didsave_ms", median(indexTimes) * 1000, "ms")
    result("sessions_autosave_write_ms", median(saveTimes) * 1000, "ms")
    // Of that write, the encoding of the archive alone (the rest is the file: temporary
    // file, fdatasync, rename).
    result("sessions_autosave_encode_ms", median(encodeTimes) * 1000, "ms")
    result("sessions_didsave_messages", Double(messages.count), "messages")
}
