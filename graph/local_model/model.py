"""``LocalChatModel``: LangChain's chat-model interface over the offline planner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from graph.local_model.calendar_planner import plan_calendar
from graph.local_model.context import ModelContext
from graph.local_model.docs_answer import answer_from_results, plan_docs
from graph.local_model.planner import Plan, duplicate_offer, plan_tickets, summarise_tool_results
from graph.local_model.tickets_nlu import TicketFrame  # noqa: F401  (re-exported for tests)

_CALENDAR_TOOLS = {
    "find_events",
    "check_availability",
    "find_free_slots",
    "create_event",
    "move_event",
    "rename_event",
    "cancel_events",
}
_TICKET_TOOLS = {
    "update_tickets",
    "create_ticket",
    "search_tickets",
    "get_ticket",
    "update_ticket",
    "comment_on_ticket",
    "close_ticket",
}


def _tool_names(kwargs: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for tool in kwargs.get("tools") or []:
        fn = tool.get("function", {}) if isinstance(tool, dict) else {}
        if fn.get("name"):
            names.add(fn["name"])
    return names


def _approx_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class LocalChatModel(BaseChatModel):
    """Understands requests with embeddings and parsers, and answers with tool calls like an LLM would."""

    @property
    def _llm_type(self) -> str:
        return "deskhand-local"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Remember which tools exist; the planner only calls tools that are bound."""
        formatted = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=formatted, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        tools = _tool_names(kwargs)
        message = self._respond(messages, tools)
        prompt_chars = sum(len(m.content) if isinstance(m.content, str) else 0 for m in messages)
        out_chars = len(message.content) if isinstance(message.content, str) else 0
        out_chars += sum(len(str(c["args"])) for c in message.tool_calls)
        message.usage_metadata = {
            "input_tokens": prompt_chars // 4,
            "output_tokens": _approx_tokens(str(out_chars)),
            "total_tokens": prompt_chars // 4 + _approx_tokens(str(out_chars)),
        }
        message.response_metadata = {"model_name": "deskhand-local"}
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _respond(self, messages: list[BaseMessage], tools: set[str]) -> AIMessage:
        if not messages:
            return AIMessage(content="Hi! How can I help?")
        last = messages[-1]
        if isinstance(last, ToolMessage):
            if last.name == "search_docs":
                return answer_from_results(messages)
            offer = duplicate_offer(messages)
            return Plan(text=summarise_tool_results(messages), awaiting=offer).to_message()
        if not isinstance(last, HumanMessage):
            return AIMessage(content="")
        ctx = ModelContext.from_messages(messages)
        if tools & _TICKET_TOOLS:
            return plan_tickets(messages, ctx, tools).to_message()
        if tools & _CALENDAR_TOOLS:
            return plan_calendar(messages, ctx, tools).to_message()
        if "search_docs" in tools:
            return plan_docs(messages, ctx)
        return AIMessage(content="I'm not sure how to help with that yet.")
