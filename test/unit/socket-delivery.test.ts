import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { socketDelivery, TOO_SLOW } from '../../src/websocket.js';

/** A socket whose unread bytes the test sets. */
function fakeSocket(bufferedAmount: number) {
  return {
    readyState: WebSocket.OPEN as WebSocket['readyState'],
    bufferedAmount,
    send: vi.fn(),
    close: vi.fn(function (this: { readyState: WebSocket['readyState'] }) {
      this.readyState = WebSocket.CLOSING;
    }),
    terminate: vi.fn(),
  };
}

describe('writing shared frames to a socket', () => {
  it('writes the frame as text while the reader keeps up', () => {
    const socket = fakeSocket(100);
    const frame = Buffer.from('{"id":"1","type":"next","payload":{}}');
    socketDelivery(socket, '1', 1024).write(frame);
    expect(socket.send).toHaveBeenCalledWith(frame, { binary: false });
    expect(socket.close).not.toHaveBeenCalled();
  });

  it('drops a reader over the bound with TOO_SLOW (4413), once, and writes nothing more', () => {
    vi.useFakeTimers();
    try {
      const socket = fakeSocket(2048);
      const delivery = socketDelivery(socket, '1', 1024);
      delivery.write(Buffer.from('a'));
      delivery.write(Buffer.from('b'));
      expect(TOO_SLOW).toBe(4413);
      expect(socket.close).toHaveBeenCalledTimes(1);
      expect(socket.close).toHaveBeenCalledWith(TOO_SLOW, expect.any(String));
      expect(socket.send).not.toHaveBeenCalled();
      // A reader that never answers the close is cut.
      vi.runAllTimers();
      expect(socket.terminate).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
