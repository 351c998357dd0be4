/**
 * Who may use the MQTT listener: users with salted, slow password hashes ({@code PasswordHash}), the topics each may
 * publish and subscribe to ({@code TopicPatterns}), and the verifier that checks passwords off the event loops and
 * re-reads the users file when it changes ({@code MqttAuthenticator}).
 */
package io.vanrouter.transport.adaptor.mqtt.auth;
