// The PolicyWatch library: one import for the whole pipeline. Each stage is a module of its own (see Package.swift
// and the README's map of the code); a program that needs only one stage can import that module alone.
@_exported import PolicyWatchAlerts
@_exported import PolicyWatchCSS
@_exported import PolicyWatchCheck
@_exported import PolicyWatchConfig
@_exported import PolicyWatchDataUse
@_exported import PolicyWatchDeclarations
@_exported import PolicyWatchDiff
@_exported import PolicyWatchExtract
@_exported import PolicyWatchFetch
@_exported import PolicyWatchStore
@_exported import PolicyWatchSupport
@_exported import PolicyWatchText
@_exported import PolicyWatchView
