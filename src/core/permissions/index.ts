export {
  evaluateRules,
  matchRule,
  parseRule,
  parseRules,
  ruleCovers,
  type AgentRule,
  type BashRule,
  type Match,
  type MatchContext,
  type McpRule,
  type PathRule,
  type PermissionRule,
  type RuleDecision,
  type RuleKind,
  type RuleSet,
  type SpecifierRule,
  type ToolCall,
  type ToolRule,
} from './rules';
export { matchPathPattern, type PathContext } from './pathPattern';
export { parseCommand, type ParsedCommand } from './shell';
