import {
  ZChatFileQuery,
  ZChatFileResponse,
  ZChatInputRequest,
  ZChatSessionResponse,
  ZChatStartRequest,
  ZCurrentChatQuery,
  ZIdParams,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const chatEndpoints = {
  start: endpoint({
    method: 'POST',
    path: '/chat/sessions',
    summary: 'Start or resume the intake wizard in a conversation',
    body: ZChatStartRequest,
    response: ZChatSessionResponse,
  }),
  current: endpoint({
    method: 'GET',
    path: '/chat/sessions/current',
    summary: 'The conversation in a channel, as it is now',
    query: ZCurrentChatQuery,
    response: ZChatSessionResponse,
  }),
  input: endpoint({
    method: 'POST',
    path: '/chat/sessions/:id/input',
    summary: 'Answer the wizard: text, a choice, back, cancel, restart',
    params: ZIdParams,
    body: ZChatInputRequest,
    response: ZChatSessionResponse,
  }),
  addFile: endpoint({
    method: 'POST',
    path: '/chat/sessions/:id/files',
    summary:
      'Add a file (the body, application/octet-stream; ?filename=&type=) to the ticket this conversation is about to file: judged by its bytes like an upload',
    params: ZIdParams,
    query: ZChatFileQuery,
    response: ZChatFileResponse,
    status: 201,
    upload: 'bytes',
  }),
};
