/** The most characters of a tool call's input or output a card shows (the model gets the whole result). */
export const TOOL_CARD_TEXT_CAP = 20_000;
